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
/// reserves the slot first, as `ftrace_push_return_trace` does. With the reservation moved back
/// after the entry handler (tried), the handler sweep fails for fgraph, fprobe and fprobe-ptregs
/// with the args, walk and regs-walk handlers alike.
@Suite struct InterruptReentryTests {
    static let mechanisms = Mechanism.allCases.filter { $0 != .none }

    @Test(arguments: mechanisms, [Workload.nonleaf, .recursive])
    func aTracedFunctionCalledFromAnInterruptMidCall(_ mechanism: Mechanism, workload: Workload) throws {
        try Self.expectReentrySafe(InterruptedCallSweep(mechanism: mechanism, workload: workload))
    }

    /// Handlers that do more than count, entered again from the interrupt while the interrupted
    /// call's handler may be running: walks that read the hooks' return stacks mid-update, and
    /// the argument reads.
    @Test(arguments: mechanisms, [HandlerKind.args, .walk, .regsWalk])
    func aHandlerEnteredAgainFromAnInterrupt(_ mechanism: Mechanism, handler: HandlerKind) throws {
        try Self.expectReentrySafe(InterruptedCallSweep(mechanism: mechanism, workload: .nonleaf, handler: handler))
    }

    /// The pairs the suites measure on one function, both hooks entered again from the interrupt.
    @Test(arguments: [(Mechanism.kretprobeBRK, Mechanism.functionGraph), (.kretprobeTrampoline, .functionGraph),
                      (.functionGraph, .kretprobeBRK), (.fprobe, .kretprobeBRK)])
    func twoHooksOnOneFunctionEnteredAgainFromAnInterrupt(_ pair: (Mechanism, Mechanism)) throws {
        try Self.expectReentrySafe(InterruptedCallSweep(mechanism: pair.0, alongside: pair.1, workload: .recursive))
    }

    /// The sweep with the interrupt calling the traced function itself.
    static func expectReentrySafe(_ sweep: InterruptedCallSweep, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let irqResult = try InterruptedCallSweep.untracedIRQCallResult(sweep.workload, try SteadyStateTests.environment.get())
        InterruptedCallSweep.expectNoneWrong(try sweep.run(irqCall: { kernel in
            (try kernel.address(of: sweep.workload.symbol), InterruptedCallSweep.argument)
        }, irqResult: irqResult) { kernel, call in
            try sweep.nextCall(kernel, call, hits: call.hits)
        }, sourceLocation: sourceLocation)
    }
}
