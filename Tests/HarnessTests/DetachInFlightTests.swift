import GuestKernel
import Testing
@testable import Harness

/// Detaching never pulls code or data from under a call still running it. An interrupt whose
/// handler detaches the traced function, and then overwrites with UDF the code memory detach
/// freed (as if something else had reused it), is raised before each instruction of a traced
/// call: the call must still return the untraced result, the next call must run untraced, and
/// the function must take the same mechanism again afterwards.
///
/// The interrupt stands in for what the kernel must survive from another task or CPU: a task
/// preempted inside a trampoline while the tracer is removed. The kernel waits for such tasks
/// (synchronize_rcu_tasks, call_rcu_tasks) before freeing trampolines, keeps a CALL_OPS site's
/// literal a valid ops (ftrace_nop_ops), lets hooked returns come back through a stopped rethook,
/// and removes hash entries so that a reader mid-lookup still finds what it matched.
@Suite struct DetachInFlightTests {
    static let workload = Workload.nonleaf
    static let argument: Int64 = 3

    @Test(arguments: Mechanism.allCases.filter { $0 != .none })
    func aCallStillInsideTheHookWhenItIsDetachedCompletes(_ mechanism: Mechanism) throws {
        let environment = try SteadyStateTests.environment.get()
        let expected = try environment.makeKernel().run(Self.workload, count: 1, argument: Self.argument)

        // The instructions of one traced call.
        let probe = try environment.makeKernel()
        try probe.attach(mechanism, handler: .count, to: Self.workload)
        let before = probe.machine.counters.instructions
        try probe.run(Self.workload, count: 1, argument: Self.argument)
        let steps = probe.machine.counters.instructions - before
        #expect(steps > 250)

        var wrong: [String] = []
        for k in 0..<steps {
            let kernel = try environment.makeKernel()
            try kernel.attach(mechanism, handler: .count, to: Self.workload)
            let function = try kernel.address(of: Self.workload.symbol)
            try kernel.armIRQCall(try kernel.address(of: GuestABI.Symbol.detachReusingCode), argument: Int64(bitPattern: function))
            kernel.machine.scheduleInterrupt(GuestABI.irqCallInterrupt, afterInstructions: k)
            do {
                let result = try kernel.run(Self.workload, count: 1, argument: Self.argument)
                let detach = try kernel.irqCalls()
                try kernel.reset()
                let again = try kernel.run(Self.workload, count: 1, argument: Self.argument)
                let hitsUntraced = kernel.control.entryHits
                // Traced again: the site, the kretprobe's slot and the code areas are free for it.
                try kernel.attach(mechanism, handler: .count, to: Self.workload)
                let traced = try kernel.run(Self.workload, count: 1, argument: Self.argument)
                let hitsTraced = kernel.control.entryHits
                try kernel.detach(from: Self.workload)
                let leftOver = try kernel.generatedCodeCount()
                if result != expected || detach.count != 1 || detach.lastResult != 0 || again != expected
                    || hitsUntraced != 0 || traced != expected || hitsTraced != 1 || leftOver != 0 {
                    wrong.append("instruction \(k): result \(result), detach \(detach), then \(again) with \(hitsUntraced) hit(s), "
                                 + "traced again \(traced) with \(hitsTraced) hit(s), \(leftOver) piece(s) of code left")
                }
            } catch {
                wrong.append("instruction \(k): \(error)")
            }
        }
        let failures = wrong.count
        #expect(failures == 0, "\(failures) of \(steps) moments, the first: \(wrong.prefix(3).joined(separator: "; "))")
    }
}
