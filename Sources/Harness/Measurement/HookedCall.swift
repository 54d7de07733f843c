import Emulator
import GuestKernel

/// Runs host calls into the guest while dispatching PC-hook stops to the recorders that asked for them.
///
/// Several recorders (measurement windows, walk checks, interrupt injection) can watch the same
/// call; each registers the addresses it cares about. Hooks are removed when the driver is
/// released, so a measurement never leaves hooks behind in the machine.
final class HookedCall {
    typealias Handler = (UInt64) throws -> Void

    let kernel: GuestKernel
    var machine: Machine { kernel.machine }
    private var handlers: [UInt64: [(token: Int, handler: Handler)]] = [:]
    private var nextToken = 0
    /// Called after each host call is set up and before it runs (e.g. to reset the shadow call stack).
    var onCallStart: ((UInt64) -> Void)?

    init(kernel: GuestKernel) {
        self.kernel = kernel
    }

    deinit {
        for address in handlers.keys { kernel.machine.removeHook(at: address) }
    }

    /// Calls `handler` whenever execution reaches `address`; returns a token for `remove`.
    @discardableResult
    func on(_ address: UInt64, _ handler: @escaping Handler) -> Int {
        nextToken += 1
        if handlers[address] == nil { machine.addHook(at: address) }
        handlers[address, default: []].append((nextToken, handler))
        return nextToken
    }

    /// Stops calling the handler registered under `token` at `address`.
    func remove(_ token: Int, at address: UInt64) {
        handlers[address]?.removeAll { $0.token == token }
        if handlers[address]?.isEmpty == true {
            handlers[address] = nil
            machine.removeHook(at: address)
        }
    }

    /// Calls `function` with `arguments` and runs it to completion, dispatching hooks; returns X0.
    @discardableResult
    func call(_ function: UInt64, _ arguments: [UInt64]) throws -> Int64 {
        kernel.beginCall(function, arguments)
        onCallStart?(function)
        let limit = machine.counters.instructions &+ kernel.callInstructionLimit
        while true {
            let remaining = limit &- machine.counters.instructions
            guard remaining > 0 else {
                throw GuestError.runaway(limit: kernel.callInstructionLimit, pc: machine.pc,
                                         symbol: kernel.symbols.describe(machine.pc))
            }
            let stop = machine.run(instructionLimit: remaining)
            if try kernel.isCallFinished(stop) { return kernel.callResult }
            if case .hook(let pc) = stop {
                for entry in handlers[pc] ?? [] { try entry.handler(pc) }
            }
        }
    }

    /// Runs `workload` `count` times through the guest driver, in one host call. `phase` names
    /// these calls (e.g. "calls.warmup") in the error if they exceed the guest's instruction limit.
    @discardableResult
    func run(_ workload: Workload, count: Int, argument: Int64, phase: String) throws -> Int64 {
        try run(function: try kernel.address(of: workload.symbol), named: workload.rawValue, count: count,
                argument: UInt64(bitPattern: argument), phase: phase)
    }

    /// Calls the traced function at `function` (`name` for messages) `count` times through the
    /// guest driver, in one host call, as `run(_:count:argument:phase:)` does for a workload.
    @discardableResult
    func run(function: UInt64, named name: String, count: Int, argument: UInt64, phase: String) throws -> Int64 {
        do {
            return try call(try kernel.address(of: GuestABI.Symbol.run), [function, UInt64(count), argument])
        } catch let error as GuestError {
            guard case .runaway = error else { throw error }
            throw MeasurementError.callsRanAway(phase: phase, calls: count, workload: name, detail: "\(error)")
        }
    }
}
