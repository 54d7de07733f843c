import GuestKernel
import Testing
@testable import Harness

/// Text patching never leaves a function in a state a call cannot run through: an interrupt whose
/// handler calls the function being patched, raised before each instruction of its attach and of
/// its detach, gets the untraced function's result every time (a half-armed kprobe would take a BRK
/// no kprobe claims, a site whose BL went live before its ops or trampoline would jump into
/// nothing). The guest patches as arm64 does: the slot, the ops and the literal first, the one
/// instruction that makes the hook live last; that instruction first on detach. Where the
/// architecture lets the interrupted fetch get the old or the new instruction, both are tried.
@Suite struct PatchAtomicityTests {
    static let workload = Workload.nonleaf
    static let argument = InterruptedCallSweep.argument

    /// The instructions an operation takes on a fresh kernel with nothing else happening.
    static func length(_ environment: MeasurementEnvironment, prepare: (GuestKernel) throws -> Void,
                       _ operation: (GuestKernel) throws -> Void) throws -> UInt64 {
        let kernel = try environment.makeKernel()
        try prepare(kernel)
        let before = kernel.machine.counters.instructions
        try operation(kernel)
        return kernel.machine.counters.instructions - before
    }

    /// Raises the IRQ before instruction `k` of `operation`, for every k; returns the results the
    /// IRQ's calls got, each with its k, where one differs from `expected` or no call was made.
    static func sweep(_ environment: MeasurementEnvironment, expected: Int64, oldWord: Bool, prepare: (GuestKernel) throws -> Void,
                      _ operation: (GuestKernel) throws -> Void) throws -> (moments: UInt64, wrong: [String]) {
        let steps = try length(environment, prepare: prepare, operation)
        var wrong: [String] = []
        for k in 0..<steps {
            let kernel = try environment.makeKernel()
            kernel.machine.earlyFetchRunsOldWord = oldWord
            try prepare(kernel)
            try kernel.armIRQCall(try kernel.address(of: workload.symbol), argument: argument)
            kernel.machine.scheduleInterrupt(GuestABI.irqCallInterrupt, afterInstructions: k)
            do {
                try operation(kernel)
            } catch {
                wrong.append("instruction \(k): \(error)")
                continue
            }
            let calls = try kernel.irqCalls()
            if calls.count != 1 || calls.lastResult != expected {
                wrong.append("instruction \(k): \(calls.count) call(s), result \(calls.lastResult)")
            }
        }
        return (steps, wrong)
    }

    @Test(arguments: [Mechanism.ftraceArgs, .ftraceCallOps, .directCaller, .directPLT, .fentryFexit, .functionGraph,
                      .kprobeXOL, .kprobeSimulate, .kretprobeBRK], [false, true])
    func aCallFromAnInterruptMidPatchRunsTheFunction(_ mechanism: Mechanism, oldWord: Bool) throws {
        let environment = try SteadyStateTests.environment.get()
        // The untraced result, from the same interrupt.
        let expected = try InterruptedCallSweep.untracedIRQCallResult(Self.workload, environment)

        let attach = try Self.sweep(environment, expected: expected, oldWord: oldWord, prepare: { _ in }) {
            try $0.attach(mechanism, handler: .count, to: Self.workload)
        }
        #expect(attach.moments > 100 && attach.wrong.isEmpty, "attach: \(attach.wrong.prefix(5))")
        let detach = try Self.sweep(environment, expected: expected, oldWord: oldWord, prepare: {
            try $0.attach(mechanism, handler: .count, to: Self.workload)
        }) { try $0.detach(from: Self.workload) }
        #expect(detach.moments > 20 && detach.wrong.isEmpty, "detach: \(detach.wrong.prefix(5))")
    }
}
