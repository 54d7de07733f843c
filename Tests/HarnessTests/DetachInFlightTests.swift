import GuestKernel
import Testing
@testable import Harness

/// Detaching never pulls code or data from under a call still running it. An interrupt whose
/// handler detaches the traced function, and then overwrites with UDF the code memory detach
/// freed (as if something else had reused it), is raised before each instruction of a traced
/// call: the call must still return the untraced result, and afterwards the function must run
/// untraced, take the same path again and leave no code allocated once detached. A second sweep
/// has the handler attach the same path again right away, a new tracer taking the function while
/// calls through the old hook are still running (recursive ones included); a third detaches two
/// hooks on one function.
///
/// The interrupt stands in for what the kernel must survive from another task or CPU: a task
/// preempted inside a trampoline while the tracer is removed. The kernel waits for such tasks
/// (synchronize_rcu_tasks, call_rcu_tasks) before freeing trampolines, keeps a CALL_OPS site's
/// literal a valid ops (ftrace_nop_ops), lets hooked returns come back through a stopped rethook,
/// and removes hash entries so that a reader mid-lookup still finds what it matched.
@Suite struct DetachInFlightTests {
    static let mechanisms = Mechanism.allCases.filter { $0 != .none }

    /// Detaches (and reuses the freed code) from the interrupt; afterwards the function runs
    /// untraced and takes the same hooks again.
    static func detachSweep(_ sweep: InterruptedCallSweep) throws -> (call: InterruptedCallSweep.TracedCall, wrong: [String]) {
        try sweep.run(irqCall: { kernel in
            (try kernel.address(of: GuestABI.Symbol.detachReusingCode), Int64(bitPattern: try kernel.address(of: sweep.workload.symbol)))
        }, irqResult: 0) { kernel, call in
            try kernel.reset()
            let untraced = try kernel.run(sweep.workload, count: 1, argument: InterruptedCallSweep.argument)
            guard untraced == call.expected, kernel.control.entryHits == 0 else {
                return "next call \(untraced) with \(kernel.control.entryHits) hit(s)"
            }
            try sweep.attach(in: kernel)
            return try sweep.nextCall(kernel, call, hits: call.hits)
        }
    }

    @Test(arguments: mechanisms)
    func aCallStillInsideTheHookWhenItIsDetachedCompletes(_ mechanism: Mechanism) throws {
        InterruptedCallSweep.expectNoneWrong(try Self.detachSweep(InterruptedCallSweep(mechanism: mechanism, workload: .nonleaf)))
    }

    @Test(arguments: mechanisms, [Workload.nonleaf, .recursive])
    func aNewTracerTakingTheFunctionMidCall(_ mechanism: Mechanism, workload: Workload) throws {
        let sweep = InterruptedCallSweep(mechanism: mechanism, workload: workload)
        InterruptedCallSweep.expectNoneWrong(try sweep.run(irqCall: { kernel in
            (try kernel.address(of: GuestABI.Symbol.detachReattach), Int64(bitPattern: try kernel.address(of: workload.symbol)))
        }, irqResult: 0) { kernel, call in
            try sweep.nextCall(kernel, call, hits: call.hits)
        })
    }

    /// The pairs the suites measure on one function: both hooks go in the interrupt's one detach.
    @Test(arguments: [(Mechanism.kretprobeBRK, Mechanism.functionGraph), (.kretprobeTrampoline, .functionGraph),
                      (.functionGraph, .kretprobeBRK), (.fprobe, .kretprobeBRK)])
    func twoHooksOnOneFunctionDetachedMidCall(_ pair: (Mechanism, Mechanism)) throws {
        InterruptedCallSweep.expectNoneWrong(try Self.detachSweep(
            InterruptedCallSweep(mechanism: pair.0, alongside: pair.1, workload: .recursive)))
    }
}
