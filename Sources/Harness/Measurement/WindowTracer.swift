import Emulator
import GuestKernel

/// One instruction of a traced call, with the window it belongs to.
public struct TracedInstruction: Sendable {
    public enum Window: String, Sendable {
        case entry, body, exit
    }

    public var step: TraceStep
    public var window: Window

    /// The cycles of `window` in `instructions` by the symbol (or allocated-code area) of each
    /// step's address, most first, leaving out symbols that spent none: what a run's attribution
    /// charges, instruction by instruction.
    public static func cyclesBySymbol(_ instructions: [TracedInstruction], in window: Window,
                                      describe: (UInt64) -> String) -> [(symbol: String, cycles: UInt64)] {
        countsBySymbol(instructions, in: window, describe: describe).filter { $0.cycles > 0 }.map { ($0.symbol, $0.cycles) }
    }

    /// The cycles and instructions of `window` in `instructions` by the symbol of each step's
    /// address, most cycles first (ties by name); a step that completed no instruction (an
    /// exception taken before a fetch) adds its cycles only.
    public static func countsBySymbol(_ instructions: [TracedInstruction], in window: Window,
                                      describe: (UInt64) -> String) -> [(symbol: String, cycles: UInt64, instructions: Int)] {
        var totals: [String: (cycles: UInt64, instructions: Int)] = [:]
        for traced in instructions where traced.window == window {
            let described = describe(traced.step.address)
            let symbol = described.range(of: "+0x", options: .backwards).map { String(described[..<$0.lowerBound]) } ?? described
            totals[symbol, default: (0, 0)].cycles += traced.step.cycles
            totals[symbol, default: (0, 0)].instructions += traced.step.exceptionBeforeFetch ? 0 : 1
        }
        return totals.map { ($0.key, $0.value.cycles, $0.value.instructions) }
            .sorted { ($0.cycles, $1.symbol) > ($1.cycles, $0.symbol) }
    }
}

/// Re-runs one call of a scenario instruction by instruction under its CPU profile, marking the
/// entry and exit windows exactly as the measurement defines them: `bench trace` explains a number.
public struct WindowTracer {
    public let environment: MeasurementEnvironment

    public init(environment: MeasurementEnvironment) {
        self.environment = environment
    }

    /// The instructions of one steady-state call (after `warmup` calls), and a describer for addresses.
    public func trace(_ spec: ScenarioSpec, warmup: Int = 8) throws -> (instructions: [TracedInstruction], describe: (UInt64) -> String) {
        let kernel = try environment.makeKernel()
        let machine = kernel.machine
        MachineTiming.time(machine, profile: spec.cpu)
        MachineTiming.resetCold(machine)
        // As the measurement attaches them: another tracer's hook first, with the count handler.
        if let alongside = spec.alongside { try kernel.attach(alongside, handler: .count, to: spec.workload) }
        if spec.mechanism != .none {
            try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
        }
        let argument = ScenarioRunner.argument(for: spec.workload)
        let addresses = try CallWindowRecorder.addresses(for: spec.workload, handler: spec.handler, in: kernel)

        // The first call after attaching is a host call of its own, as the measurement makes it (its
        // first hit): the predictors remember it, so leaving it out changed the traced call's
        // cycles on some paths (fentry-fexit's walk handler, fgraph's redirect: 14 and 19 cycles).
        _ = try HookedCall(kernel: kernel).run(spec.workload, count: 1, argument: argument, phase: "the first call")
        // The warm-up calls and the traced one are one driver loop, as the measurement makes them:
        // run to the driver's call instruction for the last call, then step until it returns.
        kernel.beginCall(try kernel.address(of: GuestABI.Symbol.run),
                         [try kernel.address(of: spec.workload.symbol), UInt64(warmup + 1), UInt64(bitPattern: argument)])
        machine.addHook(at: addresses.callSite)
        let limit = machine.counters.instructions &+ kernel.callInstructionLimit
        for _ in 0...warmup {
            let stop = machine.run(instructionLimit: limit &- machine.counters.instructions)
            guard case .hook = stop else {
                throw GuestError.unexpectedStop("the driver did not reach its call site for call \(warmup + 1): \(stop)")
            }
        }
        machine.removeHook(at: addresses.callSite)

        var steps: [TraceStep] = []
        var bodyReachedAt: Int?
        var lastReturnAt: Int?
        while machine.pc != addresses.returnSite {
            guard steps.count < 1_000_000 else { throw GuestError.runaway(limit: 1_000_000, pc: machine.pc, symbol: nil) }
            if addresses.bodySecondInstructions.contains(machine.pc) && bodyReachedAt == nil { bodyReachedAt = steps.count }
            if addresses.returns.contains(machine.pc) && bodyReachedAt != nil { lastReturnAt = steps.count }
            let step = machine.step(cycles: { machine.timingCounters.cycles })
            steps.append(step)
            if let stop = step.stop, case .fault = stop { throw GuestError.unexpectedStop("\(stop)") }
        }
        let entryEnd = bodyReachedAt ?? steps.count
        let exitStart = lastReturnAt ?? steps.count
        let traced = steps.enumerated().map { index, step in
            TracedInstruction(step: step, window: index < entryEnd ? .entry : (index >= exitStart ? .exit : .body))
        }
        return (traced, environment.describer(for: kernel))
    }
}
