import GuestKernel
import Harness

extension DesignReport {
    /// Seed 002: a kretprobe and the graph tracer each keep a hidden return stack. With both on one
    /// function, what do the two cost together, and do walks still recover both return addresses?
    static func stackedReturnHooks(_ index: ResultsIndex) -> ReportSection? {
        let title = "Two hooks on one function: what do they cost together, and do walks still find the callers?"
        let cpu = index.primaryCPU
        let stacked = index.stacked.filter { $0.cpu == cpu }
        guard !stacked.isEmpty else { return nil }
        let paragraph = "Each of these scenarios attaches another tracer's hook to the function first, with the count handler, "
            + "then the measured mechanism with its handler: one BRK mechanism and one patch-site mechanism, as a kprobe and ftrace "
            + "share a function. On arm64 a kprobe sits on the function's symbol (the patch site's "
            + "`mov x9, x30`) and ftrace's call comes after it, so whichever is attached first, the kprobe runs first: a kretprobe "
            + "takes the real return address and the graph tracer then takes the kretprobe's trampoline. On return the graph "
            + "tracer's hook runs first, then the kretprobe's, and arm64's unwinder recovers them in that order "
            + "(ftrace_graph_ret_addr, then kretprobe_find_ret_addr). fprobe is the single-stack alternative seed 002 argues for. "
            + "Alone: the two mechanisms' own scenarios on the same workload and profile, added."
        var blocks: [ReportBlock] = [.paragraph(paragraph)]
        let counted = stacked.filter { $0.handler == HandlerKind.count.rawValue }
        if !counted.isEmpty {
            let rows = counted.map { scenario -> [String] in
                let alone = aloneTogether(scenario, index)
                return [scenario.path, scenario.workload, cycles(scenario.entryOverhead), alone.map { cycles($0.entry) } ?? "–",
                        cycles(scenario.exitOverhead), alone.map { cycles($0.exit) } ?? "–"]
            }
            blocks.append(.table(ReportTable(caption: "Overhead per call, both hooks against the two alone (\(cpu))",
                                             headers: ["hooks", "workload", "entry cycles", "alone, added", "exit cycles",
                                                       "alone, added"],
                                             rows: rows, numericColumns: Set(2...5))))
        }
        let walked = stacked.filter { !$0.walks.isEmpty }
        let walkRows = walked.flatMap { scenario in
            scenario.walks.map { walk -> [String] in
                let alone = aloneWalks(scenario, walk, index)
                return ["\(scenario.path)/\(scenario.handler)/\(scenario.workload)", walk.point.rawValue, walk.walker.rawValue,
                        rightOf(walk), alone.map { rightOf($0.walks) + ($0.added ? ", both added" : "") } ?? "–"]
            }
        }
        if !walkRows.isEmpty {
            blocks.append(.table(ReportTable(caption: "Walks right, both hooks against alone (\(cpu)): the measured mechanism's walks, "
                                                + "or for an IRQ sweep, whose moments differ with the path, the two sweeps added",
                                             headers: ["scenario", "walk point", "walker", "both hooks", "alone"],
                                             rows: walkRows)))
        }
        blocks.append(.verdict(stackedVerdict(counted: counted, walked: walked, index: index, cpu: cpu)))
        return ReportSection(title: title, blocks: blocks)
    }

    /// "right of total", with the refusals of a walker that may refuse.
    static func rightOf(_ walk: WalkVerification) -> String {
        "\(walk.correct) of \(walk.total)" + (walk.refused > 0 ? " (\(walk.refused) refused)" : "")
    }

    /// What `walk` (a point and walker of a stacked scenario) is compared with: the measured
    /// mechanism's own walks there; for an IRQ sweep, whose set of moments grows with the other
    /// hook's code, both mechanisms' own sweeps added (`added`). Nil when they were not measured.
    static func aloneWalks(_ scenario: ScenarioResult, _ walk: WalkVerification,
                           _ index: ResultsIndex) -> (walks: WalkVerification, added: Bool)? {
        func own(_ mechanism: String) -> WalkVerification? {
            index.scenario(mechanism, handler: scenario.handler, workload: scenario.workload, cpu: scenario.cpu)?
                .walks.first { $0.point == walk.point && $0.walker == walk.walker }
        }
        guard let measured = own(scenario.mechanism) else { return nil }
        guard walk.point == .interrupt else { return (measured, false) }
        guard let other = scenario.alongside.flatMap(own) else { return nil }
        var sum = WalkTally(point: walk.point, walker: walk.walker)
        sum.merge(measured)
        sum.merge(other)
        return (sum.verification, true)
    }

    /// Whether the walker did as well with both hooks as alone: the same share right, or for IRQ
    /// sweeps (compared with the two sweeps added) no more walks wrong.
    static func asGoodAsAlone(_ walk: WalkVerification, _ alone: (walks: WalkVerification, added: Bool)) -> Bool {
        if alone.added { return walk.wrong <= alone.walks.wrong }
        return Double(walk.correct) * Double(alone.walks.total) == Double(alone.walks.correct) * Double(walk.total)
    }

    /// The two mechanisms' own overheads on the scenario's workload and profile, added; nil when
    /// either was not measured alone with the count handler.
    static func aloneTogether(_ scenario: ScenarioResult, _ index: ResultsIndex) -> (entry: Double, exit: Double)? {
        guard let other = scenario.alongside,
              let measured = index.scenario(scenario.mechanism, workload: scenario.workload, cpu: scenario.cpu),
              let beside = index.scenario(other, workload: scenario.workload, cpu: scenario.cpu) else { return nil }
        return (measured.entryOverhead + beside.entryOverhead, measured.exitOverhead + beside.exitOverhead)
    }

    /// What the two hooks cost against each alone and against fprobe, and whether each walker is
    /// right as often with both as with the measured mechanism alone, from the scenarios' figures.
    static func stackedVerdict(counted: [ScenarioResult], walked: [ScenarioResult], index: ResultsIndex, cpu: String) -> String {
        var sentences: [String] = []
        let workload = index.referenceWorkload(cpu: cpu)
        for scenario in counted where scenario.workload == workload || workload == nil {
            var sentence = "on \(scenario.workload), \(scenario.path) costs \(amount(scenario.totalOverhead, "cycles")) per call"
            if let alone = aloneTogether(scenario, index) {
                sentence += "; " + comparison("the pair", scenario.totalOverhead, "the two alone added", alone.entry + alone.exit)
            }
            if let fprobe = index.scenario(Mechanism.fprobe.rawValue, workload: scenario.workload, cpu: cpu) {
                sentence += " (fprobe, which hooks entry and return through the graph tracer's one return stack without a BRK, "
                    + "costs \(amount(fprobe.totalOverhead, "cycles")) alone)"
            }
            sentences.append(sentence)
        }
        for walker in Walker.allCases {
            var same = 0, compared = 0, differing: [String] = []
            var correct = 0, total = 0
            for scenario in walked {
                for walk in scenario.walks where walk.walker == walker {
                    correct += walk.correct
                    total += walk.total
                    guard walk.total > 0, let alone = aloneWalks(scenario, walk, index), alone.walks.total > 0 else { continue }
                    compared += 1
                    if asGoodAsAlone(walk, alone) {
                        same += 1
                    } else {
                        differing.append("\(scenario.path)/\(scenario.handler)/\(scenario.workload) \(walk.point.rawValue) "
                            + "(\(walk.correct) of \(walk.total) against \(alone.walks.correct) of \(alone.walks.total)"
                            + (alone.added ? " for the two alone added" : "") + ")")
                    }
                }
            }
            guard total > 0 else { continue }
            let name = walker == .guest ? "the guest's walker" : walker == .guestReliable ? "the guest's reliable walker" : "libdw"
            var sentence = "with both hooks \(name) is right on \(correct) of \(total) walks"
            if compared > 0 {
                sentence += differing.isEmpty
                    ? ", and does as well as alone at all \(count(compared, "walk point"))"
                    : ", and does as well as alone at \(same) of \(count(compared, "walk point")); not at "
                        + differing.joined(separator: ", ")
            }
            sentences.append(sentence)
        }
        guard !sentences.isEmpty else { return "No stacked scenario on \(cpu) has a count handler or walks to compare." }
        return sentences.map(\.capitalizedFirst).joined(separator: ". ") + "."
    }
}
