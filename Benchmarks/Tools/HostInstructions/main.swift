import Emulator
import Foundation
import ThroughputStreams

/// Runs one of the host-throughput benchmarks' guest instruction streams for a given number of
/// guest instructions (after a million to warm the decode cache and the model), for counting host
/// instructions under valgrind: `Benchmarks/host-instructions.sh` runs it twice and reports the
/// difference per guest instruction, a figure that, unlike the wall clock, is the same on every run.
///
///     HostInstructions <mix-loop|suite-mix|dependent-adds|independent-adds> <functional|profile> <instructions>
do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.count == 3, let count = UInt64(arguments[2]) else {
        throw NamedStream.StreamError(text: "usage: HostInstructions <\(NamedStream.names.joined(separator: "|"))> <functional|profile> <instructions>")
    }
    let stream = try NamedStream(name: arguments[0], timing: try NamedStream.timing(named: arguments[1]))
    try stream.run(instructions: 1_000_000)
    try stream.run(instructions: count)
} catch {
    print(error)
    exit(2)
}
