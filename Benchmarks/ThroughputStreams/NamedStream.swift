import Emulator

/// One of the host-throughput streams chosen by name, for the tools that run a stream outside the
/// benchmark target (`HostInstructions` under valgrind, `ThroughputProbe` for in-process A/B runs).
public final class NamedStream {
    /// The streams' names, as the tools take them.
    public static let names = ["mix-loop", "suite-mix", "dependent-adds", "independent-adds"]

    private let suite: SuiteMix?
    private let machine: Machine?
    private let name: String

    /// The stream `name` in `timing`, at its first instruction.
    public init(name: String, timing: TimingMode) throws {
        self.name = name
        switch name {
        case "suite-mix":
            suite = try SuiteMix(timing: timing)
            machine = nil
            return
        case "mix-loop": machine = MixLoop.makeMachine(words: MixLoop.words, iterations: 1 << 50, timing: timing)
        case "dependent-adds": machine = MixLoop.makeMachine(words: try AddLoops.dependent(), iterations: 1 << 50, timing: timing)
        case "independent-adds": machine = MixLoop.makeMachine(words: try AddLoops.independent(), iterations: 1 << 50, timing: timing)
        default: throw StreamError(text: "no stream named \(name) (known: \(Self.names.joined(separator: ", ")))")
        }
        suite = nil
    }

    /// The timing mode `name` names: `functional` or a CPU profile's name.
    public static func timing(named name: String) throws -> TimingMode {
        if name == "functional" { return .functional }
        guard let profile = CPUProfile.named(name) else {
            throw StreamError(text: "no CPU profile named \(name) (known: functional, \(CPUProfile.all.map(\.name).joined(separator: ", ")))")
        }
        return .profile(profile)
    }

    /// Runs exactly `instructions` more guest instructions, going on where the last run stopped.
    public func run(instructions: UInt64) throws {
        if let suite { return try suite.run(instructions: instructions) }
        guard let machine else { return }
        let stop = machine.run(instructionLimit: instructions)
        guard case .instructionLimit = stop else { throw StreamError(text: "\(name) stopped early: \(stop)") }
    }

    /// A stream that cannot be made or run, with what went wrong.
    public struct StreamError: Error, CustomStringConvertible {
        public var text: String
        public var description: String { text }

        public init(text: String) {
            self.text = text
        }
    }
}
