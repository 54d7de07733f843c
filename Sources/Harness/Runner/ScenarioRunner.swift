import Emulator
import GuestKernel

/// `none` on one workload and CPU: what every scenario's overhead is measured against, and what a
/// `none` scenario (published to carry an IRQ sweep's walks) reports as its own figures.
struct BaselineMeasurement: Sendable {
    var firstHit: CallTrace
    var steadyEntry: WindowCounters
    var steadyExit: WindowCounters
    var stackBytes: Double
    /// The guest's attach and detach of `none`: it validates and records the request, patching nothing.
    var attachCycles: Double
    var detachCycles: Double
    /// Calls the steady figures average over.
    var measuredCalls: Int
    var entryBySymbol: [SymbolCost]
    var exitBySymbol: [SymbolCost]
}

/// How many calls warm up and how many are measured.
struct CallPlan: Sendable {
    var warmup: Int
    var measured: Int
}

/// Measures one scenario on a freshly booted guest: attach and detach cost, the first call after
/// attaching (cold predictors and caches), steady-state windows, stack use and — for `walk` and
/// `regs-walk` handlers and the sample workload — every stack walk the guest takes, against ground truth.
struct ScenarioRunner {
    let environment: MeasurementEnvironment

    /// The argument `pb_run` passes as X0: the recursion depth for the recursive workload.
    static func argument(for workload: Workload) -> Int64 {
        workload == .recursive ? 4 : 3
    }

    /// Measures `none` for a workload: the baseline.
    func measureBaseline(workload: Workload, cpu: String, plan: CallPlan) throws -> BaselineMeasurement {
        let outcome = try measureCalls(mechanism: .none, handler: .count, workload: workload, cpu: cpu, plan: plan,
                                       verifyWalks: false)
        return BaselineMeasurement(firstHit: outcome.firstHit, steadyEntry: outcome.steady.averageEntry,
                                   steadyExit: outcome.steady.averageExit, stackBytes: outcome.steady.maximumStackBytes,
                                   attachCycles: outcome.attach.cycles, detachCycles: outcome.detach.cycles,
                                   measuredCalls: outcome.steady.count,
                                   entryBySymbol: outcome.steady.meanEntryBySymbol,
                                   exitBySymbol: outcome.steady.meanExitBySymbol)
    }

    /// Measures a scenario against its baseline.
    func measure(_ spec: ScenarioSpec, baseline: BaselineMeasurement, plan: CallPlan) throws -> ScenarioResult {
        if let reason = spec.handler.unmeasurableReason(on: spec.workload) {
            throw MeasurementError.scenarioFailed(id: spec.id, reason: reason)
        }
        // With another tracer's hook beside it, the first handler to run may be that one's: the
        // register check is made on a path alone.
        let registers = spec.handler == .args && spec.mechanism != .none && spec.alongside == nil
            ? try checkRegisters(spec) : nil
        let verifyWalks = spec.handler == .walk || spec.handler == .regsWalk || spec.workload == .sample
        let outcome = try measureCalls(mechanism: spec.mechanism, handler: spec.handler, workload: spec.workload,
                                       cpu: spec.cpu, plan: plan, verifyWalks: verifyWalks, alongside: spec.alongside)
        let metrics = ScenarioMetrics(
            entry: WindowComparison(
                steady: Comparison(measured: outcome.steady.averageEntry, baseline: baseline.steadyEntry),
                firstHit: Comparison(measured: outcome.firstHit.entry.windowCounters,
                                     baseline: baseline.firstHit.entry.windowCounters)),
            exit: WindowComparison(
                steady: Comparison(measured: outcome.steady.averageExit, baseline: baseline.steadyExit),
                firstHit: Comparison(measured: outcome.firstHit.exit.windowCounters,
                                     baseline: baseline.firstHit.exit.windowCounters)),
            stackBytes: Comparison(measured: outcome.steady.maximumStackBytes, baseline: baseline.stackBytes),
            stackAtHandlerEntry: outcome.steady.compactMap(\.stackAtHandlerEntry).max(),
            attachCycles: outcome.attach.cycles, detachCycles: outcome.detach.cycles,
            measuredCalls: outcome.steady.count,
            entryBySymbol: outcome.steady.meanEntryBySymbol,
            exitBySymbol: outcome.steady.meanExitBySymbol)
        return ScenarioResult(mechanism: spec.mechanism.rawValue, handler: spec.handler.rawValue,
                              workload: spec.workload.rawValue, cpu: spec.cpu, metrics: metrics, walks: outcome.walks,
                              handlerChange: spec.handler == .modify ? try judgeChange(spec, outcome: outcome, plan: plan) : nil,
                              callRedirect: spec.handler == .redirect ? try judgeRedirect(spec, outcome: outcome, plan: plan) : nil,
                              handlerRegisters: registers?.entry, exitHandlerRegisters: registers?.exit,
                              alongside: spec.alongside?.rawValue)
    }

    struct Outcome {
        var attach: CounterSnapshot
        var detach: CounterSnapshot
        var firstHit: CallTrace
        var steady: [CallTrace]
        var walks: [WalkVerification]
        /// What the first call returned, and what the driver accumulated over the warm-up and measured calls.
        var firstResult: Int64
        var steadyResult: Int64
        var exitHits: UInt64
    }

    /// With `alongside`, that mechanism is attached to the workload first, with the count handler:
    /// the attach cost is the measured mechanism's with it in place, the detach cost both hooks'.
    private func measureCalls(mechanism: Mechanism, handler: HandlerKind, workload: Workload, cpu: String,
                              plan: CallPlan, verifyWalks: Bool, alongside: Mechanism? = nil) throws -> Outcome {
        let kernel = try environment.makeKernel()
        let machine = kernel.machine
        let textGuard = try TextWriteGuard(kernel: kernel)
        MachineTiming.time(machine, profile: cpu)
        MachineTiming.resetCold(machine)

        if let alongside { try kernel.attach(alongside, handler: .count, to: workload) }
        let attachStart = MachineTiming.snapshot(machine)
        try kernel.attach(mechanism, handler: handler, to: workload)
        let attach = MachineTiming.snapshot(machine) - attachStart

        let driver = HookedCall(kernel: kernel)
        let windows = CallWindowRecorder(driver: driver, addresses: try CallWindowRecorder.addresses(for: workload, handler: handler, in: kernel))
        var walkRecorder: WalkRecorder?
        if verifyWalks {
            let shadow = ShadowCallStack(functionStarts: kernel.symbols.functionStarts, rootFunction: 0,
                                         stackPointer: kernel.taskStackTop)
            machine.controlFlowObserver = shadow
            driver.onCallStart = { shadow.reset(rootFunction: $0, stackPointer: kernel.taskStackTop) }
            walkRecorder = try WalkRecorder(driver: driver, shadow: shadow,
                                            classifier: WalkClassifier(returnTrampolines: environment.returnTrampolines()),
                                            references: environment.makeReferences(for: kernel),
                                            tracedFunction: try kernel.address(of: workload.symbol), mechanism: mechanism)
        }
        let argument = Self.argument(for: workload)
        let firstResult = try driver.run(workload, count: 1, argument: argument, phase: "the first call")
        guard let firstHit = windows.takeTraces().first else {
            throw MeasurementError.noWindow(mechanism: mechanism.rawValue, workload: workload.rawValue)
        }
        // Per-symbol counts for the measured calls only: attribution changes no guest count, but it
        // runs every block on its own (about half the host speed).
        let regions = MeasurementEnvironment.trampolineRegions(of: kernel)
        var steadyResult: Int64 = 0
        guard let steady = try windows.steadyTraces(
            warmup: plan.warmup, measured: plan.measured,
            beforeMeasuredCalls: { machine.attributeTiming(to: kernel.symbols, regions: regions) },
            run: { count, phase in steadyResult = try driver.run(workload, count: count, argument: argument, phase: phase) }) else {
            throw MeasurementError.noWindow(mechanism: mechanism.rawValue, workload: workload.rawValue)
        }
        machine.stopAttributingTiming()
        let calls = UInt64(1 + plan.warmup + plan.measured)
        if mechanism != .none {
            let hits = kernel.control.entryHits
            guard hits >= calls else {
                throw MeasurementError.didNotFire(mechanism: mechanism.rawValue, workload: workload.rawValue,
                                                  calls: calls, hits: hits)
            }
        }
        machine.controlFlowObserver = nil
        let exitHits = kernel.control.exitHits

        let detachStart = MachineTiming.snapshot(machine)
        try kernel.detach(from: workload)
        let detach = MachineTiming.snapshot(machine) - detachStart
        try textGuard.check("\(ScenarioResult.path(mechanism.rawValue, alongside: alongside?.rawValue))/\(handler.rawValue)/"
                                + "\(workload.rawValue)@\(cpu)",
                            describe: environment.describer(for: kernel))
        return Outcome(attach: attach, detach: detach, firstHit: firstHit, steady: steady,
                       walks: walkRecorder?.verifications ?? [], firstResult: firstResult, steadyResult: steadyResult,
                       exitHits: exitHits)
    }
}

/// A measurement that could not be taken, naming the scenario.
public enum MeasurementError: Error, CustomStringConvertible, Equatable {
    case noWindow(mechanism: String, workload: String)
    case didNotFire(mechanism: String, workload: String, calls: UInt64, hits: UInt64)
    case scenarioFailed(id: String, reason: String)
    /// Calls of a depth curve whose return the guest did not hook (`pool` nil: a path without one).
    case returnHooksMissed(mechanism: String, depth: Int, missed: UInt64, pool: ReturnHookPool?)
    /// A depth curve's call tree went below the guest's task stack.
    case stackOverflow(mechanism: String, depth: Int, needed: UInt64, available: UInt64)
    /// `calls` calls of `workload` made as `phase` did not return within the guest's instruction limit.
    case callsRanAway(phase: String, calls: Int, workload: String, detail: String)
    /// A shared-ops point whose other tracers' handlers did not each run once per call.
    case sharedOpsMissed(mechanism: String, ops: Int, calls: UInt64, hits: UInt64)

    public var description: String {
        switch self {
        case .noWindow(let mechanism, let workload):
            return "\(mechanism) on \(workload): a call did not pass the measurement points (call site, body, return site)"
        case .didNotFire(let mechanism, let workload, let calls, let hits):
            return "\(mechanism) on \(workload): \(calls) calls but only \(hits) entry hits: the probe did not fire"
        case .scenarioFailed(let id, let reason):
            return "\(id): \(reason)"
        case .returnHooksMissed(let mechanism, let depth, let missed, let pool):
            let limit = pool.map { "the guest hooks at most \($0.capacity) returns at once in \($0.name), so depth \($0.capacity - 1) at most" }
                ?? "the harness knows of no return-hook pool on this path"
            return "\(mechanism) at depth \(depth): \(missed) return(s) not hooked over the warm-up and measured calls: \(depth + 1) "
                + "calls are active at once and \(limit); the overhead per traced call is not published"
        case .stackOverflow(let mechanism, let depth, let needed, let available):
            return "\(mechanism) at depth \(depth): the call tree needed \(needed) bytes of stack and the guest's task stack holds "
                + "\(available) below a host call's SP; the overhead per traced call is not published"
        case .callsRanAway(let phase, let calls, let workload, let detail):
            return "\(phase): \(calls) call(s) of \(workload) in one host call: \(detail)"
        case .sharedOpsMissed(let mechanism, let ops, let calls, let hits):
            return "\(mechanism) with \(ops) other tracers' ops on the function: \(calls) traced calls but \(hits) calls of their "
                + "handlers (expected \(UInt64(ops) * calls)); the point is not published"
        }
    }
}
