import GuestKernel
import Testing
@testable import Harness

/// Raises the IRQ-call interrupt (`GuestKernel.armIRQCall`) before each instruction of a traced
/// call, for the sweeps that check what an interrupt in the middle of a hook may do: detach the
/// function (`DetachInFlightTests`), call it again (`InterruptReentryTests`), or attach to it in
/// the middle of an untraced call (`AttachInFlightTests`).
struct InterruptedCallSweep {
    static let argument: Int64 = 3

    /// The path under test: `mechanism` on `workload` with `handler`, after `alongside` (which
    /// always has the count handler).
    var mechanism: Mechanism
    var alongside: Mechanism? = nil
    var workload: Workload
    var handler: HandlerKind = .count
    /// Whether the hooks are attached before the call (false: the call starts untraced, and the
    /// moments are its instructions).
    var attachedBefore = true

    /// What the sweep knows about one traced call.
    struct TracedCall {
        /// The untraced result.
        var expected: Int64
        /// Instructions of one traced call: the moments the interrupt is raised at.
        var steps: UInt64
        /// Entry and exit hits of one traced call.
        var hits: (entry: UInt64, exit: UInt64)
    }

    func attach(in kernel: GuestKernel) throws {
        if let alongside { try kernel.attach(alongside, handler: .count, to: workload) }
        try kernel.attach(mechanism, handler: handler, to: workload)
    }

    func tracedCall(_ environment: MeasurementEnvironment) throws -> TracedCall {
        let untraced = try environment.makeKernel()
        var before = untraced.machine.counters.instructions
        let expected = try untraced.run(workload, count: 1, argument: Self.argument)
        var steps = untraced.machine.counters.instructions - before
        let kernel = try environment.makeKernel()
        try attach(in: kernel)
        before = kernel.machine.counters.instructions
        try kernel.run(workload, count: 1, argument: Self.argument)
        if attachedBefore { steps = kernel.machine.counters.instructions - before }
        try kernel.reset()
        try kernel.run(workload, count: 1, argument: Self.argument)
        return TracedCall(expected: expected, steps: steps, hits: (kernel.control.entryHits, kernel.control.exitHits))
    }

    /// Before each instruction of a traced call, an interrupt whose handler calls the guest function
    /// `irqCall` names with its argument; the call must return the untraced result and the
    /// interrupt's call `irqResult`, then `after` checks the kernel (nil when all is well). Returns
    /// the traced call and the moments that went wrong, with what went wrong.
    func run(irqCall: (GuestKernel) throws -> (function: UInt64, argument: Int64), irqResult: Int64,
             after: (GuestKernel, TracedCall) throws -> String?) throws -> (call: TracedCall, wrong: [String]) {
        let environment = try SteadyStateTests.environment.get()
        let call = try tracedCall(environment)
        var wrong: [String] = []
        for k in 0..<call.steps {
            let kernel = try environment.makeKernel()
            if attachedBefore { try attach(in: kernel) }
            let (function, argument) = try irqCall(kernel)
            try kernel.armIRQCall(function, argument: argument)
            kernel.machine.scheduleInterrupt(GuestABI.irqCallInterrupt, afterInstructions: k)
            do {
                let result = try kernel.run(workload, count: 1, argument: Self.argument)
                let interrupt = try kernel.irqCalls()
                if result != call.expected || interrupt.count != 1 || interrupt.lastResult != irqResult {
                    wrong.append("instruction \(k): result \(result), the interrupt's call \(interrupt)")
                } else if let problem = try after(kernel, call) {
                    wrong.append("instruction \(k): \(problem)")
                }
            } catch {
                wrong.append("instruction \(k): \(error)")
            }
        }
        return (call, wrong)
    }

    /// What the IRQ-call interrupt's call of `workload` (with `argument`) returns on an untraced
    /// kernel: raised at once, during the host call that resets the control block.
    static func untracedIRQCallResult(_ workload: Workload, _ environment: MeasurementEnvironment) throws -> Int64 {
        let kernel = try environment.makeKernel()
        try kernel.armIRQCall(try kernel.address(of: workload.symbol), argument: argument)
        kernel.machine.scheduleInterrupt(GuestABI.irqCallInterrupt, afterInstructions: 0)
        try kernel.reset()
        let calls = try kernel.irqCalls()
        try #require(calls.count == 1, "the interrupt called \(workload.symbol)")
        return calls.lastResult
    }

    /// The next call's result and hits, then whether detaching leaves no generated code.
    func nextCall(_ kernel: GuestKernel, _ call: TracedCall, hits: (entry: UInt64, exit: UInt64)) throws -> String? {
        try kernel.reset()
        let result = try kernel.run(workload, count: 1, argument: Self.argument)
        let seen = (kernel.control.entryHits, kernel.control.exitHits)
        guard result == call.expected, seen == hits else { return "next call \(result) with \(seen) hit(s), expected \(hits)" }
        try kernel.detach(from: workload)
        let leftOver = try kernel.generatedCodeCount()
        return leftOver == 0 ? nil : "\(leftOver) piece(s) of code left after detach"
    }

    /// Fails the test unless no moment went wrong (and the call was long enough to mean something).
    static func expectNoneWrong(_ outcome: (call: TracedCall, wrong: [String]), minimumSteps: UInt64 = 250,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let failures = outcome.wrong.count
        #expect(outcome.call.steps > minimumSteps && failures == 0,
                "\(failures) of \(outcome.call.steps) moments, the first: \(outcome.wrong.prefix(3).joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }
}
