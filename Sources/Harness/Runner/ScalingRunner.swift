import Emulator
import GuestKernel

/// Measures cost curves: against the number of registered ops, attached functions and stack depth.
struct ScalingRunner {
    let environment: MeasurementEnvironment

    /// Traced functions for the attached-functions curve: `pb_fn_0000` … in the guest.
    static func manyFunctionName(_ index: Int) -> String {
        let digits = String(index)
        return "pb_fn_" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The curves of `spec`: one per quantity its parameter measures (`ScalingCurve.Parameter.quantities`).
    func measure(_ spec: CurveSpec, plan: CallPlan) throws -> [ScalingCurve] {
        let series: [[ScalingPoint]]
        switch spec.parameter {
        case .registeredOps: series = [try registeredOps(spec, plan: plan)]
        case .sharedOps: series = [try sharedOps(spec, plan: plan)]
        case .attachedFunctions: series = try attachedFunctions(spec, plan: plan)
        case .stackDepth: series = [try stackDepth(spec, plan: plan)]
        }
        let quantities = spec.parameter.quantities
        precondition(series.count == quantities.count, "\(spec.parameter.rawValue) measured \(series.count) series for \(quantities)")
        return zip(quantities, series).map { quantity, points in
            ScalingCurve(parameter: spec.parameter, mechanism: spec.mechanism.rawValue, handler: spec.handler.rawValue,
                         workload: spec.workload.rawValue, cpu: spec.cpu, quantity: quantity, points: points)
        }
    }

    /// Runs `plan` calls of `workload` with whatever is attached and returns the steady traces.
    private func steadyTraces(_ kernel: GuestKernel, mechanism: Mechanism, handler: HandlerKind = .count, workload: Workload,
                              argument: Int64, plan: CallPlan) throws -> [CallTrace] {
        let driver = HookedCall(kernel: kernel)
        let windows = CallWindowRecorder(driver: driver, addresses: try CallWindowRecorder.addresses(for: workload, handler: handler,
                                                                                                     in: kernel))
        let traces = try windows.steadyTraces(warmup: plan.warmup, measured: plan.measured) { count, phase in
            try driver.run(workload, count: count, argument: argument, phase: phase)
        }
        guard let traces else {
            throw MeasurementError.noWindow(mechanism: mechanism.rawValue, workload: workload.rawValue)
        }
        return traces
    }

    private func timedKernel(cpu: String) throws -> GuestKernel {
        let kernel = try environment.makeKernel()
        MachineTiming.time(kernel.machine, profile: cpu)
        MachineTiming.resetCold(kernel.machine)
        return kernel
    }

    /// Entry overhead per call against `none` at each of `spec`'s values, each on a fresh kernel that
    /// `prepare` sets up for the value; `check` may refuse a point once its calls have run.
    private func entryOverheadPoints(_ spec: CurveSpec, plan: CallPlan, prepare: (GuestKernel, Int) throws -> Void,
                                     check: (GuestKernel, Int) throws -> Void = { _, _ in }) throws -> [ScalingPoint] {
        let argument = ScenarioRunner.argument(for: spec.workload)
        let baseline = try steadyTraces(try timedKernel(cpu: spec.cpu), mechanism: .none, workload: spec.workload,
                                        argument: argument, plan: plan)
        var points: [ScalingPoint] = []
        for value in spec.values {
            let kernel = try timedKernel(cpu: spec.cpu)
            try prepare(kernel, value)
            let traces = try steadyTraces(kernel, mechanism: spec.mechanism, handler: spec.handler, workload: spec.workload, argument: argument,
                                          plan: plan)
            try check(kernel, value)
            points.append(ScalingPoint(x: Double(value), y: traces.averageEntry.cycles - baseline.averageEntry.cycles,
                                       window: traces.averageEntry))
        }
        return points
    }

    /// Entry overhead per call against the number of ops in the list (0 ops: nothing attached).
    private func registeredOps(_ spec: CurveSpec, plan: CallPlan) throws -> [ScalingPoint] {
        try entryOverheadPoints(spec, plan: plan) { kernel, count in
            guard count > 0 else { return }
            try kernel.setOpsCount(count)
            try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
        }
    }

    /// Entry overhead per call against the number of other tracers' ops on the traced function (0:
    /// the mechanism alone). Every point checks that each of those ops' handlers ran once per call.
    private func sharedOps(_ spec: CurveSpec, plan: CallPlan) throws -> [ScalingPoint] {
        try entryOverheadPoints(spec, plan: plan, prepare: { kernel, count in
            try kernel.setSharedOps(count)
            try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
            try kernel.reset()
        }, check: { kernel, count in
            let calls = kernel.control.entryHits, hits = try kernel.sharedOpsHits()
            guard calls > 0, hits == UInt64(count) * calls else {
                throw MeasurementError.sharedOpsMissed(mechanism: spec.mechanism.rawValue, ops: count, calls: calls, hits: hits)
            }
        })
    }

    /// Attach cycles for n functions, and the entry overhead of one of them while n are attached
    /// (in the order of `ScalingCurve.Parameter.attachedFunctions.quantities`).
    private func attachedFunctions(_ spec: CurveSpec, plan: CallPlan) throws -> [[ScalingPoint]] {
        var attachPoints: [ScalingPoint] = []
        var callPoints: [ScalingPoint] = []
        let argument = ScenarioRunner.argument(for: spec.workload)
        let baseline = try steadyTraces(try timedKernel(cpu: spec.cpu), mechanism: .none, workload: spec.workload,
                                        argument: argument, plan: plan)
        for count in spec.values {
            let kernel = try timedKernel(cpu: spec.cpu)
            let targets = try (0..<max(0, count - 1)).map { try kernel.address(of: Self.manyFunctionName($0)) }
            let start = MachineTiming.snapshot(kernel.machine)
            try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
            for target in targets { try kernel.attach(spec.mechanism, handler: spec.handler, to: target) }
            let attach = MachineTiming.snapshot(kernel.machine) - start
            attachPoints.append(ScalingPoint(x: Double(count), y: attach.cycles, window: attach.windowCounters))
            let traces = try steadyTraces(kernel, mechanism: spec.mechanism, handler: spec.handler, workload: spec.workload, argument: argument,
                                          plan: plan)
            callPoints.append(ScalingPoint(x: Double(count), y: traces.averageEntry.cycles - baseline.averageEntry.cycles,
                                           window: traces.averageEntry))
        }
        return [attachPoints, callPoints]
    }

    /// Overhead per traced call of a recursive call tree, against its depth.
    ///
    /// A point is published only if every one of the depth + 1 calls was traced in full: a return
    /// the guest could not hook (its pool full) or a call tree deeper than the task stack fails it.
    private func stackDepth(_ spec: CurveSpec, plan: CallPlan) throws -> [ScalingPoint] {
        var points: [ScalingPoint] = []
        for depth in spec.values {
            let argument = Int64(depth)
            let baselineKernel = try timedKernel(cpu: spec.cpu)
            let baseline = try steadyTraces(baselineKernel, mechanism: .none, workload: spec.workload, argument: argument, plan: plan)
            try Self.checkStack(baseline, of: baselineKernel, mechanism: .none, depth: depth)
            let kernel = try timedKernel(cpu: spec.cpu)
            try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
            let traces = try steadyTraces(kernel, mechanism: spec.mechanism, handler: spec.handler, workload: spec.workload, argument: argument,
                                          plan: plan)
            try Self.checkStack(traces, of: kernel, mechanism: spec.mechanism, depth: depth)
            let missed = kernel.control.missedReturnHooks
            guard missed == 0 else {
                throw MeasurementError.returnHooksMissed(mechanism: spec.mechanism.rawValue, depth: depth, missed: missed,
                                                         pool: spec.mechanism.returnHookPool)
            }
            let invocations = Double(depth + 1)
            points.append(ScalingPoint(x: Double(depth),
                                       y: (traces.averageWhole.cycles - baseline.averageWhole.cycles) / invocations,
                                       window: traces.averageWhole))
        }
        return points
    }

    /// Throws if a call went below the guest's task stack (into whatever lies under it).
    private static func checkStack(_ traces: [CallTrace], of kernel: GuestKernel, mechanism: Mechanism, depth: Int) throws {
        let base = try kernel.address(of: GuestABI.Symbol.taskStackBase)
        guard let lowest = traces.map(\.lowestStackPointer).min(), lowest < base else { return }
        throw MeasurementError.stackOverflow(mechanism: mechanism.rawValue, depth: depth, needed: kernel.taskStackTop - lowest,
                                             available: kernel.taskStackTop - base)
    }
}
