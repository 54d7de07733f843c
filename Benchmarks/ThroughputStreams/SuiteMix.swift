import Emulator
import GuestKernel

/// The default suite's kind of instruction stream: the guest driver calling every workload with a
/// tracing mechanism attached (ftrace trampolines, BRK kprobes with their exceptions, return
/// hooks, direct trampolines, stack walks), one host call after another.
public final class SuiteMix {
    /// One workload, the mechanism and handler attached to it, and the driver's argument.
    struct Call {
        var workload: Workload
        var mechanism: Mechanism
        var handler: HandlerKind
        var argument: Int64
    }

    static let calls: [Call] = [
        Call(workload: .leaf, mechanism: .ftraceArgs, handler: .count, argument: 3),
        Call(workload: .nonleaf, mechanism: .kprobeXOL, handler: .args, argument: 3),
        Call(workload: .args, mechanism: .fentryFexit, handler: .args, argument: 3),
        Call(workload: .recursive, mechanism: .functionGraph, handler: .count, argument: 4),
        Call(workload: .sample, mechanism: .fprobe, handler: .walk, argument: 3),
        Call(workload: .tailcall, mechanism: .kretprobeBRK, handler: .count, argument: 3),
    ]

    /// Workload calls per host call of the guest driver.
    static let callsPerDriverRun: UInt64 = 16

    let kernel: GuestKernel
    private let driver: UInt64
    private let workloads: [UInt64]
    private var next = 0
    private var inCall = false

    public init(timing: TimingMode) throws {
        let kernel = try GuestKernel(image: .harness)
        for call in Self.calls {
            try kernel.attach(call.mechanism, handler: call.handler, to: call.workload)
        }
        driver = try kernel.address(of: GuestABI.Symbol.run)
        workloads = try Self.calls.map { try kernel.address(of: $0.workload.symbol) }
        kernel.machine.timing = timing
        self.kernel = kernel
    }

    /// Runs exactly `instructions` guest instructions, starting driver calls as earlier ones return.
    public func run(instructions: UInt64) throws {
        let machine = kernel.machine
        var remaining = instructions
        while remaining > 0 {
            if !inCall {
                let call = Self.calls[next]
                kernel.beginCall(driver, [workloads[next], Self.callsPerDriverRun, UInt64(bitPattern: call.argument)])
                next = (next + 1) % Self.calls.count
                inCall = true
            }
            let before = machine.counters.instructions
            let stop = machine.run(instructionLimit: remaining)
            remaining -= machine.counters.instructions - before
            if case .instructionLimit = stop { continue }
            if try kernel.isCallFinished(stop) { inCall = false }
        }
    }
}
