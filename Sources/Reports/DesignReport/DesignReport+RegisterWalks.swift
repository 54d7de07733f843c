import GuestKernel
import Harness

extension DesignReport {
    /// Walks taken from the registers handlers are given (`regs-walk`), by the guest's frame-record
    /// walker and by libdw's CFI unwinder, at entry and at exit.
    static func walksFromRegisters(_ index: ResultsIndex) -> ReportSection? {
        let title = "Do walks from a handler's registers find the traced call's callers?"
        let cpu = index.primaryCPU
        let scenarios = index.results.scenarios.filter { $0.cpu == cpu && $0.handler == HandlerKind.regsWalk.rawValue }
        guard !scenarios.isEmpty else { return missing(title, "walks from handlers' registers (the regs-walk handler)") }
        let mechanisms = ResultsIndex.ordered(Set(scenarios.map(\.mechanism)))
        let workloads = Set(scenarios.map(\.workload)).sorted()
        let columns: [(WalkPoint, Walker)] = [(.entryRegisters, .guest), (.entryRegisters, .libdw),
                                              (.exitRegisters, .guest), (.exitRegisters, .libdw)]
        func cell(_ walk: WalkVerification?) -> String {
            guard let walk else { return "–" }
            if let reason = walk.unavailable { return "unavailable (\(reason))" }
            let kinds = failureKinds(walk)
            return "\(walk.correct)/\(walk.total)" + (kinds.isEmpty ? "" : ": " + kinds.joined(separator: ", "))
        }
        let rows = mechanisms.map { mechanism in
            let own = scenarios.filter { $0.mechanism == mechanism }
            return [mechanism] + columns.map { cell(tally(own, $0.1, [$0.0])) }
        }
        let real = scenarios.filter { $0.mechanism != verifierControl }
        var sentences: [String] = []
        for (point, name) in [(WalkPoint.entryRegisters, "entry"), (.exitRegisters, "exit")] {
            guard let plain = walkerClause(real, .guest, point) else { continue }
            var sentence = "From the \(name) handler's registers, the frame-record walk (as arch_stack_walk with regs) " + plain
            if point == .entryRegisters, let caller = callerMissedInEveryExample(real, point) {
                sentence += caller
            }
            if let cfi = walkerClause(real, .libdw, point) { sentence += "; libdw's CFI walk of the same registers " + cfi }
            sentences.append(sentence + ".")
        }
        let unavailable = real.flatMap(\.walks).first { $0.walker == .libdw && $0.unavailable != nil }?.unavailable
        if let unavailable { sentences.append("The libdw walks were unavailable (\(unavailable)).") }

        return ReportSection(title: title, blocks: [
            .paragraph("perf's call chains and BPF's stack helpers walk from the register set the tracing path hands the handler, not from the handler's own frame. The guest's frame-record walker does as arm64's arch_stack_walk() with regs: it reports the set's pc, then follows the frame records from the set's x29; it does not read the set's lr. libdw walks the same registers by the ELF's DWARF call frame information, as an unwinder that uses CFI (ORC, SFrame) would, with only the registers the set holds (an ftrace_regs has x0–x8, fp, lr, sp and pc); it knows nothing of return addresses a tracer replaced (the kernel's walkers look them up in the graph tracer's shadow stack and the kretprobe instances), so through a hooked return it reaches the trampoline. Both are compared, frame by frame, with the traced call as the shadow call stack has it: at entry the function at the pc its path hands over (the symbol for BRK kprobes, the first body instruction for the rest), then its return address and its callers'; at exit the return address and the callers'. Workloads: \(workloads.joined(separator: ", ")); paths without an exit handler have no exit walks."),
            .table(ReportTable(caption: "Walks from the handler's registers per path (correct/total), \(cpu)",
                               headers: ["mechanism", "entry: frame records", "entry: libdw (CFI)",
                                         "exit: frame records", "exit: libdw (CFI)"],
                               rows: rows)),
            .verdict(sentences.joined(separator: " ")),
        ])
    }

    /// "is right in all 48 walks, on every path (16)" or "is right in 25 of 45 walks; wrong on
    /// fgraph and fprobe (on recursive; each: 10 show an unrecovered return trampoline)": paths
    /// whose wrong walks have the same kinds and workloads are named together. Nil when `walker`
    /// took no walk at `point` or could not run.
    private static func walkerClause(_ scenarios: [ScenarioResult], _ walker: Walker, _ point: WalkPoint) -> String? {
        let perPath = ResultsIndex.ordered(Set(scenarios.map(\.mechanism))).compactMap { mechanism -> (String, [ScenarioResult], WalkVerification)? in
            let own = scenarios.filter { $0.mechanism == mechanism }
            guard let walk = tally(own, walker, [point]), walk.unavailable == nil, walk.total > 0 else { return nil }
            return (mechanism, own, walk)
        }
        guard let all = tally(perPath.flatMap(\.1), walker, [point]) else { return nil }
        if all.wrong == 0 { return "is right in all \(all.total) walks, on every path (\(perPath.count))" }
        // The failures' description per path: which workloads, and how many of each kind.
        var groups: [(description: String, paths: [String])] = []
        for (mechanism, own, walk) in perPath where walk.wrong > 0 {
            let workloads = own.filter { (tally([$0], walker, [point])?.wrong ?? 0) > 0 }.map(\.workload)
            let description = "on " + Set(workloads).sorted().joined(separator: ", ") + "; "
                + failureKinds(walk).joined(separator: ", ")
            if let at = groups.firstIndex(where: { $0.description == description }) {
                groups[at].paths.append(mechanism)
            } else {
                groups.append((description, [mechanism]))
            }
        }
        let named = groups.map { group in
            group.paths.count == perPath.count && perPath.count > 1
                ? "every path (\(perPath.count); each " + group.description + ")"
                : group.paths.joined(separator: ", ") + " (" + (group.paths.count > 1 ? "each " : "") + group.description + ")"
        }
        let right = all.correct == 0 ? "is right in none of the \(all.total) walks" : "is right in \(all.correct) of \(all.total) walks"
        return right + "; wrong on " + named.joined(separator: "; ")
    }

    /// ": in every wrong walk shown, the one frame missing is the traced function's caller (…)" when
    /// each recorded example of a wrong frame-record walk at `point` is the expected walk without
    /// its second entry (the function's return address); nil otherwise.
    private static func callerMissedInEveryExample(_ scenarios: [ScenarioResult], _ point: WalkPoint) -> String? {
        let examples = scenarios.flatMap(\.walks).filter { $0.walker == .guest && $0.point == point }.flatMap(\.examples)
        guard !examples.isEmpty, examples.allSatisfy({ example in
            example.expected.count >= 2 && example.actual == [example.expected[0]] + example.expected.dropFirst(2)
        }) else { return nil }
        let callers = Set(examples.map { $0.expected[1] }).sorted()
        return ": in each of the \(examples.count) wrong walks kept as examples, the one frame missing is the traced function's "
            + "return address into its caller (" + callers.joined(separator: ", ") + ")"
    }
}
