import GuestKernel
import Testing
@testable import Harness

/// Detaching never pulls code or data from under a call still running it. An interrupt whose
/// handler detaches the traced function, and then overwrites with UDF the code memory detach
/// freed (as if something else had reused it), is raised before each instruction of a traced
/// call: the call must still return the untraced result, and afterwards the function must run
/// untraced, take the same path again and leave no code allocated once detached. A second sweep
/// has the handler attach the same path again right away, a new tracer taking the function while
/// calls through the old hook are still running (recursive ones included).
///
/// The interrupt stands in for what the kernel must survive from another task or CPU: a task
/// preempted inside a trampoline while the tracer is removed. The kernel waits for such tasks
/// (synchronize_rcu_tasks, call_rcu_tasks) before freeing trampolines, keeps a CALL_OPS site's
/// literal a valid ops (ftrace_nop_ops), lets hooked returns come back through a stopped rethook,
/// and removes hash entries so that a reader mid-lookup still finds what it matched.
@Suite struct DetachInFlightTests {
    static let argument: Int64 = 3
    static let mechanisms = Mechanism.allCases.filter { $0 != .none }

    /// What one sweep needs to know about a traced call of `workload`.
    struct TracedCall {
        /// The untraced result.
        var expected: Int64
        /// Instructions of one traced call: the moments the interrupt is raised at.
        var steps: UInt64
        /// Entry and exit hits of one traced call.
        var hits: (entry: UInt64, exit: UInt64)
    }

    /// Attaches `mechanism` to `workload` with the count handler, after `alongside` if any.
    static func attach(_ mechanism: Mechanism, alongside: Mechanism?, to workload: Workload, in kernel: GuestKernel) throws {
        if let alongside { try kernel.attach(alongside, handler: .count, to: workload) }
        try kernel.attach(mechanism, handler: .count, to: workload)
    }

    static func tracedCall(_ mechanism: Mechanism, alongside: Mechanism?, _ workload: Workload,
                           _ environment: MeasurementEnvironment) throws -> TracedCall {
        let expected = try environment.makeKernel().run(workload, count: 1, argument: argument)
        let kernel = try environment.makeKernel()
        try attach(mechanism, alongside: alongside, to: workload, in: kernel)
        let before = kernel.machine.counters.instructions
        try kernel.run(workload, count: 1, argument: argument)
        let steps = kernel.machine.counters.instructions - before
        try kernel.reset()
        try kernel.run(workload, count: 1, argument: argument)
        return TracedCall(expected: expected, steps: steps, hits: (kernel.control.entryHits, kernel.control.exitHits))
    }

    /// Raises the interrupt, whose handler calls the guest's `operation` on the traced function,
    /// before each instruction of a traced call; `after` checks the kernel once the call returned
    /// (nil when all is well). Returns the moments that went wrong, with what went wrong.
    static func sweep(_ mechanism: Mechanism, alongside: Mechanism? = nil, _ workload: Workload, operation: String,
                      after: (GuestKernel, TracedCall) throws -> String?) throws -> (call: TracedCall, wrong: [String]) {
        let environment = try SteadyStateTests.environment.get()
        let call = try tracedCall(mechanism, alongside: alongside, workload, environment)
        var wrong: [String] = []
        for k in 0..<call.steps {
            let kernel = try environment.makeKernel()
            try attach(mechanism, alongside: alongside, to: workload, in: kernel)
            let function = try kernel.address(of: workload.symbol)
            try kernel.armIRQCall(try kernel.address(of: operation), argument: Int64(bitPattern: function))
            kernel.machine.scheduleInterrupt(GuestABI.irqCallInterrupt, afterInstructions: k)
            do {
                let result = try kernel.run(workload, count: 1, argument: argument)
                let interrupt = try kernel.irqCalls()
                if result != call.expected || interrupt.count != 1 || interrupt.lastResult != 0 {
                    wrong.append("instruction \(k): result \(result), \(operation) \(interrupt)")
                } else if let problem = try after(kernel, call) {
                    wrong.append("instruction \(k): \(problem)")
                }
            } catch {
                wrong.append("instruction \(k): \(error)")
            }
        }
        return (call, wrong)
    }

    /// The next call's result and hits, then whether the function is left without code once detached.
    static func nextCall(_ kernel: GuestKernel, _ workload: Workload, _ call: TracedCall, hits: (entry: UInt64, exit: UInt64)) throws -> String? {
        try kernel.reset()
        let result = try kernel.run(workload, count: 1, argument: argument)
        let seen = (kernel.control.entryHits, kernel.control.exitHits)
        guard result == call.expected, seen == hits else { return "next call \(result) with \(seen) hit(s), expected \(hits)" }
        try kernel.detach(from: workload)
        let leftOver = try kernel.generatedCodeCount()
        return leftOver == 0 ? nil : "\(leftOver) piece(s) of code left after detach"
    }

    @Test(arguments: mechanisms)
    func aCallStillInsideTheHookWhenItIsDetachedCompletes(_ mechanism: Mechanism) throws {
        let workload = Workload.nonleaf
        let (call, wrong) = try Self.sweep(mechanism, workload, operation: GuestABI.Symbol.detachReusingCode) { kernel, call in
            // Untraced now, then traced again: the site, the kretprobe's slot and the code areas are free for it.
            try kernel.reset()
            let untraced = try kernel.run(workload, count: 1, argument: Self.argument)
            guard untraced == call.expected, kernel.control.entryHits == 0 else {
                return "next call \(untraced) with \(kernel.control.entryHits) hit(s)"
            }
            try kernel.attach(mechanism, handler: .count, to: workload)
            return try Self.nextCall(kernel, workload, call, hits: call.hits)
        }
        let failures = wrong.count
        #expect(call.steps > 250 && failures == 0, "\(failures) of \(call.steps) moments, the first: \(wrong.prefix(3).joined(separator: "; "))")
    }

    @Test(arguments: mechanisms, [Workload.nonleaf, .recursive])
    func aNewTracerTakingTheFunctionMidCall(_ mechanism: Mechanism, workload: Workload) throws {
        let (call, wrong) = try Self.sweep(mechanism, workload, operation: GuestABI.Symbol.detachReattach) { kernel, call in
            try Self.nextCall(kernel, workload, call, hits: call.hits)
        }
        let failures = wrong.count
        #expect(call.steps > 250 && failures == 0, "\(failures) of \(call.steps) moments, the first: \(wrong.prefix(3).joined(separator: "; "))")
    }

    /// The pairs the suites measure on one function: both hooks go in the interrupt's one detach.
    @Test(arguments: [(Mechanism.kretprobeBRK, Mechanism.functionGraph), (.kretprobeTrampoline, .functionGraph),
                      (.functionGraph, .kretprobeBRK), (.fprobe, .kretprobeBRK)])
    func twoHooksOnOneFunctionDetachedMidCall(_ pair: (Mechanism, Mechanism)) throws {
        let (mechanism, alongside) = pair
        let workload = Workload.recursive
        let (call, wrong) = try Self.sweep(mechanism, alongside: alongside, workload, operation: GuestABI.Symbol.detachReusingCode) {
            kernel, call in
            try kernel.reset()
            let untraced = try kernel.run(workload, count: 1, argument: Self.argument)
            guard untraced == call.expected, kernel.control.entryHits == 0 else {
                return "next call \(untraced) with \(kernel.control.entryHits) hit(s)"
            }
            try Self.attach(mechanism, alongside: alongside, to: workload, in: kernel)
            return try Self.nextCall(kernel, workload, call, hits: call.hits)
        }
        let failures = wrong.count
        #expect(call.steps > 250 && failures == 0, "\(failures) of \(call.steps) moments, the first: \(wrong.prefix(3).joined(separator: "; "))")
    }
}
