import Emulator
import GuestKernel

/// What handlers see of and do to the traced call: the changes `modify` and `redirect` handlers
/// make, judged from its results, and the registers `args` handlers are given.
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

    /// Whether the registers the `args` handler is given are the function's own: one call on a
    /// kernel of its own, with IRQs masked and condition flags set (so that a PSTATE made up rather
    /// than read shows; the truth is what the function is entered with). The entry handler's set is
    /// compared with the emulator's registers when the function was entered; the exit handler's, on
    /// a path with a return hook, with what the caller resumes with (the value the function's last
    /// RET returned, and the rest as at entry).
    func checkRegisters(_ spec: ScenarioSpec) throws -> (entry: HandlerRegisters, exit: HandlerRegisters?) {
        let kernel = try environment.makeKernel()
        let machine = kernel.machine
        try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
        let driver = HookedCall(kernel: kernel)
        let function = try kernel.address(of: spec.workload.symbol)
        var truth: HandlerRegisters.Truth?
        var returned: UInt64?
        var checked: (entry: HandlerRegisters?, exit: HandlerRegisters?)
        var problem: String?
        driver.on(function) { _ in
            guard truth == nil else { return }
            truth = HandlerRegisters.Truth(x: machine.generalRegisters, sp: machine.sp,
                                           pc: function + spec.mechanism.entryRegistersOffset,
                                           pstate: machine.pstate.savedProgramStatus)
        }
        for address in try CallWindowRecorder.addresses(for: spec.workload, handler: spec.handler, in: kernel).returns {
            driver.on(address) { _ in returned = machine[x: 0] }
        }
        /// The register set the handler entered at this moment is given, compared with `expected`.
        func handlerRegisters(expected: HandlerRegisters.Truth, atExit: Bool) -> HandlerRegisters? {
            let event = machine[x: 1]
            guard let regs = machine.memory.readUInt64(at: event + GuestABI.ProbeEvent.regs),
                  let kind = machine.memory.readUInt32(at: event + GuestABI.ProbeEvent.regsKind)
                    .flatMap(RegisterSetKind.init(guestID:)) else {
                problem = "the \(atExit ? "exit" : "entry") handler's event at 0x\(String(event, radix: 16)) names no register set"
                return nil
            }
            return HandlerRegisters.compare(kind, read: { machine.memory.readUInt64(at: regs &+ $0) }, truth: expected,
                                            atExit: atExit)
        }
        driver.on(try kernel.address(of: "pb_probe_entry")) { _ in
            guard checked.entry == nil, problem == nil, let truth else { return }
            checked.entry = handlerRegisters(expected: truth, atExit: false)
        }
        driver.on(try kernel.address(of: "pb_probe_exit")) { _ in
            guard checked.exit == nil, problem == nil, let truth, let returned else { return }
            checked.exit = handlerRegisters(expected: HandlerRegisters.returning(from: truth, value: returned), atExit: true)
        }
        machine.pstate.daif |= ProcessorState.irqMask
        machine.pstate.nzcv = 0xA000_0000
        _ = try driver.run(spec.workload, count: 1, argument: Self.argument(for: spec.workload), phase: "the register check's call")
        guard let entry = checked.entry else {
            throw MeasurementError.scenarioFailed(id: spec.id, reason: problem ?? "no entry handler ran in the register check's call")
        }
        if let problem { throw MeasurementError.scenarioFailed(id: spec.id, reason: problem) }
        return (entry, checked.exit)
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
