import GuestKernel
import Harness

extension DesignReport {
    static func handlerChanges(_ index: ResultsIndex) -> ReportSection? {
        let title = "Can a handler change the arguments, the return value or where the call goes?"
        let cpu = index.primaryCPU
        let modify = HandlerKind.modify.rawValue, redirect = HandlerKind.redirect.rawValue
        guard let workload = index.referenceWorkload(cpu: cpu, handler: modify) ?? index.referenceWorkload(cpu: cpu, handler: redirect)
        else { return missing(title, "scenarios with the modify or redirect handler") }
        func change(_ mechanism: String, on workload: String) -> HandlerChange? {
            index.scenario(mechanism, handler: modify, workload: workload, cpu: cpu)?.handlerChange
        }
        func redirection(_ mechanism: String, on workload: String) -> CallRedirect? {
            index.scenario(mechanism, handler: redirect, workload: workload, cpu: cpu)?.callRedirect
        }
        let modified = index.mechanisms(workload: workload, cpu: cpu, handler: modify)
        let redirected = index.mechanisms(workload: workload, cpu: cpu, handler: redirect)
        let mechanisms = ResultsIndex.ordered(Set(modified + redirected))
        func yesNo(_ value: Bool?, absent: String = "–") -> String { value.map { $0 ? "yes" : "no" } ?? absent }
        let rows = mechanisms.map { mechanism -> [String] in
            let changed = change(mechanism, on: workload)
            // The modify handler's own cost: its scenario's counts per call minus the count handler's.
            let counted = index.scenario(mechanism, workload: workload, cpu: cpu)
            func overCount(_ handler: String) -> WindowCounters? {
                guard let scenario = index.scenario(mechanism, handler: handler, workload: workload, cpu: cpu), let counted
                else { return nil }
                return scenario.steadyOverhead - counted.steadyOverhead
            }
            let extra = overCount(modify)
            return [mechanism, yesNo(changed?.argumentReachesFunction),
                    changed.map { yesNo($0.returnValueReachesCaller, absent: "– (no exit handler)") } ?? "–",
                    yesNo(redirection(mechanism, on: workload)?.reachesReplacement),
                    overCount(redirect).map { cycles($0.cycles) } ?? "–"]
                + [\.cycles, \.instructions, \.branchMispredicts].map { (counter: KeyPath<WindowCounters, Double>) in
                    extra.map { cycles($0[keyPath: counter]) } ?? "–"
                }
        }
        return ReportSection(title: title, blocks: [
            .paragraph("Livepatch and error injection need a tracer's handler to change what the traced function sees, what its caller gets back, or which function runs at all, so whether a path carries such a change is part of its contract. The modify handler adds \(GuestABI.modifyArgumentDelta) to the first argument in the registers its path hands the entry handler (ftrace_regs or pt_regs), and \(GuestABI.modifyReturnDelta) to the return value in those the exit handler gets. The redirect handler sets the pc there to a replacement of the traced function, as livepatch does (a BRK kprobe's pre-handler then reports that it set the pc, so the probed instruction is not completed). What the call returns, against what the untraced function returns for the driver's argument and for the changed one, and what the replacement returns, shows which change arrived; a result nothing explains fails the scenario. The cost columns are each handler's counts per call over the count handler's (steady state, entry and exit; a redirected call's windows end at the replacement's body and start at its return, and a BRK kprobe that redirects completes no probed instruction)."),
            .table(ReportTable(caption: "Which changes arrive, on \(workload) (\(cpu))",
                               headers: ["mechanism", "argument change reaches the function", "return value change reaches the caller",
                                         "redirect reaches the replacement", "redirect: cycles over count", "modify: cycles over count",
                                         "modify: instructions over count", "modify: branch mispredicts over count"],
                               rows: rows, numericColumns: [4, 5, 6, 7])),
            .verdict(handlerChangeVerdict(index, workload: workload, cpu: cpu, mechanisms: mechanisms,
                                          change: change, redirection: redirection)),
        ])
    }

    /// Counts and names the paths that carry or lose each change on `workload`, then says whether the
    /// other workloads measured agree.
    private static func handlerChangeVerdict(_ index: ResultsIndex, workload: String, cpu: String, mechanisms: [String],
                                             change: (String, String) -> HandlerChange?,
                                             redirection: (String, String) -> CallRedirect?) -> String {
        func list(_ names: [String]) -> String { names.joined(separator: ", ") }
        var clauses: [String] = []
        let changes = mechanisms.compactMap { mechanism in change(mechanism, workload).map { (mechanism, $0) } }
        if !changes.isEmpty {
            let withExit = changes.filter { $0.1.returnValueReachesCaller != nil }
            let argumentLost = changes.filter { !$0.1.argumentReachesFunction }.map(\.0)
            let returnLost = withExit.filter { $0.1.returnValueReachesCaller == false }.map(\.0)
            var clause = "\(changes.count - argumentLost.count) of \(changes.count) paths carry the entry handler's change of "
                + "the first argument into the function"
            clause += withExit.isEmpty ? " (none measured has an exit handler)"
                : ", and \(withExit.count - returnLost.count) of the \(withExit.count) with an exit handler carry its change "
                    + "of the return value back to the caller"
            if !argumentLost.isEmpty { clause += "; the argument change is lost on \(list(argumentLost))" }
            if !returnLost.isEmpty { clause += "; the return value change is lost on \(list(returnLost))" }
            clauses.append(clause)
        }
        let redirects = mechanisms.compactMap { mechanism in redirection(mechanism, workload).map { (mechanism, $0) } }
        if !redirects.isEmpty {
            let lost = redirects.filter { !$0.1.reachesReplacement }.map(\.0)
            clauses.append("\(redirects.count - lost.count) of \(redirects.count) paths send the call to the replacement "
                           + "the entry handler set" + (lost.isEmpty ? "" : "; the redirect is lost on \(list(lost))"))
        }
        var verdict = "On \(workload) (\(cpu)), " + clauses.joined(separator: ". ") + "."
        // The same judgements on every other workload measured?
        let handlers = [HandlerKind.modify.rawValue, HandlerKind.redirect.rawValue]
        let otherWorkloads = Set(index.results.scenarios.filter { $0.cpu == cpu && handlers.contains($0.handler) && $0.workload != workload }
            .map(\.workload)).sorted()
        guard !otherWorkloads.isEmpty else { return verdict }
        let differing = otherWorkloads.flatMap { other in
            mechanisms.compactMap { mechanism -> String? in
                let changeDiffers = change(mechanism, other).flatMap { there in
                    change(mechanism, workload).map {
                        there.argumentReachesFunction != $0.argumentReachesFunction
                            || there.returnValueReachesCaller != $0.returnValueReachesCaller
                    }
                } ?? false
                let redirectDiffers = redirection(mechanism, other).flatMap { there in
                    redirection(mechanism, workload).map { there.reachesReplacement != $0.reachesReplacement }
                } ?? false
                return changeDiffers || redirectDiffers ? "\(mechanism) on \(other)" : nil
            }
        }
        verdict += differing.isEmpty ? " Every path does the same on \(list(otherWorkloads))."
            : " Not so on every workload: \(list(differing)) differ from \(workload)."
        return verdict
    }
}
