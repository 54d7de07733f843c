import GuestKernel

/// What `modify` and `redirect` handlers did to the traced call, judged from its results.
extension ScenarioRunner {
    /// Which of a `modify` handler's changes reached the function and the caller: the first call's
    /// result against the untraced function's, with the driver's argument and with the changed one
    /// (measured on a kernel of their own), and every later call's result the same as the first's.
    func judgeChange(_ spec: ScenarioSpec, outcome: Outcome, plan: CallPlan) throws -> HandlerChange {
        try requireSameResults(spec, outcome: outcome, plan: plan)
        let argument = Self.argument(for: spec.workload)
        let untraced = HookedCall(kernel: try environment.makeKernel())
        let plain = try untraced.run(spec.workload, count: 1, argument: argument, phase: "the untraced call")
        let changed = try untraced.run(spec.workload, count: 1, argument: argument &+ GuestABI.modifyArgumentDelta,
                                       phase: "the untraced call with the changed argument")
        return try explained(spec) { () throws(UnexplainedResult) in
            try HandlerChange.judge(argument: argument, untracedResult: plain, untracedResultWithChangedArgument: changed,
                                    tracedResult: outcome.firstResult, exitHandlerRan: outcome.exitHits > 0)
        }
    }

    /// Whether a `redirect` handler's call ran the workload's replacement: the first call's result
    /// against the untraced workload's and the replacement's, called with the same arguments on a
    /// kernel of their own, and every later call's result the same as the first's.
    func judgeRedirect(_ spec: ScenarioSpec, outcome: Outcome, plan: CallPlan) throws -> CallRedirect {
        try requireSameResults(spec, outcome: outcome, plan: plan)
        guard let replacement = spec.workload.replacementSymbol else {
            throw MeasurementError.scenarioFailed(id: spec.id, reason: "\(spec.workload.rawValue) has no replacement")
        }
        let argument = Self.argument(for: spec.workload)
        let kernel = try environment.makeKernel()
        let untraced = HookedCall(kernel: kernel)
        let plain = try untraced.run(spec.workload, count: 1, argument: argument, phase: "the untraced call")
        let replaced = try untraced.run(function: try kernel.address(of: replacement), named: replacement, count: 1,
                                        argument: UInt64(bitPattern: argument), phase: "the replacement's call")
        return try explained(spec) { () throws(UnexplainedResult) in
            try CallRedirect.judge(replacement: replacement, untracedResult: plain, replacementResult: replaced,
                                   tracedResult: outcome.firstResult)
        }
    }

    /// The warm-up and measured calls returned what the first call did: the driver's accumulation
    /// of theirs equals that of as many copies of the first's.
    private func requireSameResults(_ spec: ScenarioSpec, outcome: Outcome, plan: CallPlan) throws {
        let laterCalls = plan.warmup + plan.measured
        let expected = HandlerChange.driverAccumulation(of: outcome.firstResult, calls: laterCalls)
        guard outcome.steadyResult == expected else {
            throw MeasurementError.scenarioFailed(
                id: spec.id, reason: "the first call returned \(outcome.firstResult), but the \(laterCalls) calls after it "
                    + "did not all return the same (the driver accumulated \(outcome.steadyResult), not \(expected))")
        }
    }

    /// `judge`'s value, or the scenario's failure naming why its result is unexplained.
    private func explained<T>(_ spec: ScenarioSpec, _ judge: () throws(UnexplainedResult) -> T) throws -> T {
        do {
            return try judge()
        } catch {
            throw MeasurementError.scenarioFailed(id: spec.id, reason: error.description)
        }
    }
}
