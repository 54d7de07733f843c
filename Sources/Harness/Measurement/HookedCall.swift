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

    /// Runs `workload` `count` times through the guest driver.
    @discardableResult
    func run(_ workload: Workload, count: Int, argument: Int64) throws -> Int64 {
        try call(try kernel.address(of: GuestABI.Symbol.run),
                 [try kernel.address(of: workload.symbol), UInt64(count), UInt64(bitPattern: argument)])
    }
}
