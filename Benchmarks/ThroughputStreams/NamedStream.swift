import Emulator

/// One of the host-throughput streams chosen by name: what the benchmark target runs, and the tools
/// that run a stream outside it (`HostInstructions` under valgrind, `ThroughputProbe` for
/// in-process A/B runs).
public final class NamedStream {
    /// The streams' names, as the tools take them.
    public static let names = ["mix-loop", "suite-mix", "dependent-adds", "independent-adds"]

    /// What runs the stream: the suite's driver, or a machine at a fixed loop.
    private enum Source {
        case suite(SuiteMix)
        case loop(Machine)
    }
    private let source: Source
    private let name: String

    /// The stream `name` in `timing`, at its first instruction.
    public init(name: String, timing: TimingMode) throws {
        self.name = name
        func loop(_ words: [UInt32]) -> Source {
            .loop(MixLoop.makeMachine(words: words, iterations: 1 << 50, timing: timing))
        }
        switch name {
        case "suite-mix": source = .suite(try SuiteMix(timing: timing))
        case "mix-loop": source = loop(MixLoop.words)
        case "dependent-adds": source = loop(try AddLoops.dependent())
        case "independent-adds": source = loop(try AddLoops.independent())
        default: throw StreamError(text: "no stream named \(name) (known: \(Self.names.joined(separator: ", ")))")
        }
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
        switch source {
        case .suite(let suite):
            try suite.run(instructions: instructions)
        case .loop(let machine):
            let stop = machine.run(instructionLimit: instructions)
            guard case .instructionLimit = stop else { throw StreamError(text: "\(name) stopped early: \(stop)") }
        }
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
