import ArgumentParser
import Emulator
import Foundation
import GuestKernel
import Harness

/// `bench trace SCENARIO`: the measured call, instruction by instruction.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one steady-state call of a scenario instruction by instruction, with cycles and symbols.",
        discussion: """
        SCENARIO is mechanism[+alongside]/handler/workload[@cpu], as in results.json (e.g. ftrace-args/count/leaf@cortex-a72, \
        or kretprobe-brk+fgraph/count/nonleaf with another tracer's hook on the function, attached first). \
        Each line shows the window (entry, body, exit), the cycles the instruction cost under the CPU profile, \
        the address with its symbol, the instruction and the registers it wrote. Window totals are that \
        call's cycles, then its cycles by symbol: `bench run` reports the mean over its measured calls, the same \
        where every call costs the same.
        """)

    @Argument(help: "mechanism[+alongside]/handler/workload[@cpu]")
    var scenario: String

    @Option(help: "Calls to run before the traced one (0 traces a first hit).")
    var warmup: Int = 8

    /// The most warm-up calls: enough for any predictor to settle, well inside the guest's instruction limit.
    static let maximumWarmup = 10_000

    func validate() throws {
        guard (0...Self.maximumWarmup).contains(warmup) else {
            throw ValidationError("--warmup must be between 0 and \(Self.maximumWarmup), not \(warmup)")
        }
    }

    func run() throws {
        let spec = try Self.parse(scenario)
        let environment = try MeasurementEnvironment()
        let (instructions, describe) = try WindowTracer(environment: environment).trace(spec, warmup: warmup)
        var totals: [TracedInstruction.Window: (cycles: UInt64, instructions: Int)] = [:]
        for traced in instructions {
            let line = traced.step.formatted(symbolize: describe)
            print("\(traced.window.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(String(format: "%4d", traced.step.cycles))  \(line)")
            totals[traced.window, default: (0, 0)].cycles += traced.step.cycles
            totals[traced.window, default: (0, 0)].instructions += 1
        }
        print("")
        for window in [TracedInstruction.Window.entry, .body, .exit] {
            let total = totals[window] ?? (0, 0)
            let symbols = TracedInstruction.cyclesBySymbol(instructions, in: window, describe: describe)
            let breakdown = symbols.isEmpty ? "" : ": " + symbols.map { "\($0.symbol) \($0.cycles)" }.joined(separator: " · ")
            print("\(window.rawValue): \(total.instructions) instructions, \(total.cycles) cycles\(breakdown)")
        }
    }


    static func parse(_ text: String) throws -> ScenarioSpec {
        // Empty pieces are kept, so "", "@" and "a/b/c@" are errors rather than a crash or the default CPU.
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let names = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard names.count == 3 else {
            throw ValidationError("'\(text)' is not mechanism[+alongside]/handler/workload[@cpu]")
        }
        let hooks = names[0].split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        func mechanism(_ name: Substring) throws -> Mechanism {
            guard let mechanism = Mechanism(rawValue: String(name)) else {
                throw ValidationError("unknown mechanism '\(name)' (known: \(Mechanism.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return mechanism
        }
        let measured = try mechanism(hooks[0])
        let alongside = try hooks.count > 1 ? mechanism(hooks[1]) : nil
        guard let handler = HandlerKind(rawValue: String(names[1])) else {
            throw ValidationError("unknown handler kind '\(names[1])' (known: \(HandlerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let workload = Workload(rawValue: String(names[2])) else {
            throw ValidationError("unknown workload '\(names[2])' (known: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let reason = handler.unmeasurableReason(on: workload) { throw ValidationError(reason) }
        if let alongside, let reason = Suite.alongsideProblem(alongside, mechanisms: [measured], handlers: [handler]) {
            throw ValidationError("'\(alongside.rawValue)' beside \(measured.rawValue): \(reason)")
        }
        let cpu = parts.count > 1 ? String(parts[1]) : HarnessProfiles.defaultName
        guard HarnessProfiles.names.contains(cpu) else {
            throw ValidationError("unknown CPU profile '\(cpu)' (known: \(HarnessProfiles.names.joined(separator: ", ")))")
        }
        return ScenarioSpec(mechanism: measured, handler: handler, workload: workload, cpu: cpu, alongside: alongside)
    }
}
