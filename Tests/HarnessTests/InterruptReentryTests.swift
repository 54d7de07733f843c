import GuestKernel
import Testing
@testable import Harness

/// A traced function called from an interrupt in the middle of a traced call of itself (an IRQ
/// handler calling a traced function, which every tracer must survive): raised before each
/// instruction of the call, the interrupt's call and the interrupted one both return what the
/// untraced function would, and the next call hits the hooks as one traced call does.
///
/// It found the graph tracer filling its shadow-stack slot and running the entry handler before
/// raising the depth, so a call from an interrupt in between took the same slot and the interrupted
/// call returned to the interrupt's return address (fgraph, fprobe, fprobe-ptregs). The guest now
/// reserves the slot first, as `ftrace_push_return_trace` does.
@Suite struct InterruptReentryTests {
    @Test(arguments: Mechanism.allCases.filter { $0 != .none }, [Workload.nonleaf, .recursive])
    func aTracedFunctionCalledFromAnInterruptMidCall(_ mechanism: Mechanism, workload: Workload) throws {
        let sweep = InterruptedCallSweep(mechanism: mechanism, workload: workload)
        let irqResult = try InterruptedCallSweep.untracedIRQCallResult(workload, try SteadyStateTests.environment.get())
        InterruptedCallSweep.expectNoneWrong(try sweep.run(irqCall: { kernel in
            (try kernel.address(of: workload.symbol), InterruptedCallSweep.argument)
        }, irqResult: irqResult) { kernel, call in
            try sweep.nextCall(kernel, call, hits: call.hits)
        })
    }
}
