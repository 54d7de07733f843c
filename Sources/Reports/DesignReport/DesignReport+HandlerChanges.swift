import GuestKernel
import Harness

extension DesignReport {
    static func handlerChanges(_ index: ResultsIndex) -> ReportSection? {
        let title = "Can a handler change the arguments and the return value?"
        let cpu = index.primaryCPU
        let handler = HandlerKind.modify.rawValue
        guard let workload = index.referenceWorkload(cpu: cpu, handler: handler) else {
            return missing(title, "scenarios with the modify handler")
        }
        let scenarios = index.mechanisms(workload: workload, cpu: cpu, handler: handler)
            .compactMap { index.scenario($0, handler: handler, workload: workload, cpu: cpu) }
            .filter { $0.handlerChange != nil }
        guard !scenarios.isEmpty else { return missing(title, "scenarios with the modify handler") }
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "– (no exit handler)" }
        let rows = scenarios.map { scenario -> [String] in
            let change = scenario.handlerChange!
            // The modify handler's own cost: its scenario's counts per call minus the count handler's.
            let extra = index.scenario(scenario.mechanism, workload: workload, cpu: cpu)
                .map { scenario.steadyOverhead - $0.steadyOverhead }
            return [scenario.mechanism, yesNo(change.argumentReachesFunction), yesNo(change.returnValueReachesCaller),
                    cycles(scenario.totalOverhead)]
                + [\.cycles, \.instructions, \.branchMispredicts].map { (counter: KeyPath<WindowCounters, Double>) in
                    extra.map { cycles($0[keyPath: counter]) } ?? "–"
                }
        }

        let changes = scenarios.map { ($0.mechanism, $0.handlerChange!) }
        let withExit = changes.filter { $0.1.returnValueReachesCaller != nil }
        let argumentLost = changes.filter { !$0.1.argumentReachesFunction }.map(\.0)
        let returnLost = withExit.filter { $0.1.returnValueReachesCaller == false }.map(\.0)
        func list(_ names: [String]) -> String { names.joined(separator: ", ") }
        var verdict = "On \(workload) (\(cpu)), \(changes.count - argumentLost.count) of \(changes.count) paths carry the entry "
            + "handler's change of the first argument into the function"
        verdict += withExit.isEmpty ? "; no path measured has an exit handler."
            : ", and \(withExit.count - returnLost.count) of the \(withExit.count) with an exit handler carry its change of "
                + "the return value back to the caller."
        if !argumentLost.isEmpty { verdict += " The argument change is lost on \(list(argumentLost))." }
        if !returnLost.isEmpty { verdict += " The return value change is lost on \(list(returnLost))." }
        // The same judgement on every other workload measured with the modify handler?
        let otherWorkloads = Set(index.results.scenarios.filter { $0.cpu == cpu && $0.handler == handler && $0.workload != workload }
            .map(\.workload)).sorted()
        if !otherWorkloads.isEmpty {
            let differing = otherWorkloads.flatMap { other in
                scenarios.compactMap { scenario -> String? in
                    guard let there = index.scenario(scenario.mechanism, handler: handler, workload: other, cpu: cpu)?.handlerChange,
                          let here = scenario.handlerChange,
                          there.argumentReachesFunction != here.argumentReachesFunction
                            || there.returnValueReachesCaller != here.returnValueReachesCaller else { return nil }
                    return "\(scenario.mechanism) on \(other)"
                }
            }
            verdict += differing.isEmpty ? " Every path does the same on \(list(otherWorkloads))."
                : " Not so on every workload: \(list(differing)) differ from \(workload)."
        }
        return ReportSection(title: title, blocks: [
            .paragraph("Livepatch and error injection need a tracer's handler to change what the traced function sees and what its caller gets back, so whether a path carries such a change is part of its contract. The modify handler adds \(GuestABI.modifyArgumentDelta) to the first argument in the registers its path hands the entry handler (ftrace_regs or pt_regs), and \(GuestABI.modifyReturnDelta) to the return value in those the exit handler gets. What the call returns, against what the untraced function returns for the driver's argument and for the changed one, shows which change arrived; a result no combination of the changes explains fails the scenario."),
            .table(ReportTable(caption: "Which changes arrive, on \(workload) (\(cpu))",
                               headers: ["mechanism", "argument change reaches the function", "return value change reaches the caller",
                                         "total overhead cycles", "cycles over the count handler",
                                         "instructions over the count handler", "branch mispredicts over the count handler"],
                               rows: rows, numericColumns: [3, 4, 5, 6])),
            .verdict(verdict),
        ])
    }
}
