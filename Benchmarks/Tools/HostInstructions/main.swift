import Emulator
import Foundation
import ThroughputStreams

/// Runs one of the host-throughput benchmarks' guest instruction streams for a given number of
/// guest instructions (after a million to warm the decode cache and the model), for counting host
/// instructions under valgrind: `Benchmarks/host-instructions.sh` runs it twice and reports the
/// difference per guest instruction, a figure that, unlike the wall clock, is the same on every run.
///
///     HostInstructions <mix-loop|suite-mix|dependent-adds|independent-adds> <functional|profile> <instructions>
enum HostInstructions {
    static let streams = ["mix-loop", "suite-mix", "dependent-adds", "independent-adds"]

    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count == 3, streams.contains(arguments[0]), let count = UInt64(arguments[2]) else {
            throw UsageError(text: "usage: HostInstructions <\(streams.joined(separator: "|"))> <functional|profile> <instructions>")
        }
        let timing: TimingMode
        if arguments[1] == "functional" {
            timing = .functional
        } else if let profile = CPUProfile.named(arguments[1]) {
            timing = .profile(profile)
        } else {
            throw UsageError(text: "no CPU profile named \(arguments[1]) (known: \(CPUProfile.all.map(\.name).joined(separator: ", ")))")
        }
        let warmUp: UInt64 = 1_000_000
        if arguments[0] == "suite-mix" {
            let stream = try SuiteMix(timing: timing)
            try stream.run(instructions: warmUp)
            try stream.run(instructions: count)
            return
        }
        let words = switch arguments[0] {
        case "dependent-adds": try AddLoops.dependent()
        case "independent-adds": try AddLoops.independent()
        default: MixLoop.words
        }
        let machine = MixLoop.makeMachine(words: words, iterations: 1 << 50, timing: timing)
        for limit in [warmUp, count] {
            let stop = machine.run(instructionLimit: limit)
            guard case .instructionLimit = stop else { throw UsageError(text: "\(arguments[0]) stopped early: \(stop)") }
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}

do {
    try HostInstructions.main()
} catch {
    print(error)
    exit(2)
}
