import Benchmark
import Emulator
import ThroughputStreams

/// Guest instructions per second of the emulator, in fast-forward (`TimingMode.functional`) and
/// with each CPU profile's cycle model, on two instruction streams: the fixed mix loop and the
/// default suite's kind of stream (the guest driver calling workloads with mechanisms attached);
/// and with the default profile's cycle model on two loops of additions (`AddLoops`).
///
/// Every benchmark iteration runs exactly one million guest instructions, so `throughput` reads
/// directly as millions of guest instructions per second (the `(M)` column) and the wall clock as
/// nanoseconds per guest instruction.
///
///     swift package benchmark                                  # everything
///     swift package benchmark --filter "mix loop.*"            # one stream
///     swift package benchmark --filter ".*functional"          # one mode
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 2_000)

    let modes: [(name: String, timing: TimingMode)] = [("functional", .functional)]
        + CPUProfile.all.map { ($0.name, TimingMode.profile($0)) }

    /// A benchmark running `NamedStream` `stream` in `mode`, named "mix loop · cortex-a72" and so on.
    func benchmark(_ stream: String, _ mode: (name: String, timing: TimingMode)) {
        let box = Box<NamedStream>()
        Benchmark("\(stream.split(separator: "-").joined(separator: " ")) · \(mode.name)") { benchmark in
            // Each benchmark iteration continues where the last stopped.
            try box.value!.run(instructions: UInt64(benchmark.scaledIterations.count))
        } setup: {
            box.value = try NamedStream(name: stream, timing: mode.timing)
        }
    }

    for mode in modes {
        benchmark("mix-loop", mode)
        benchmark("suite-mix", mode)
    }
    let outOfOrder = (name: CPUProfile.default.name, timing: TimingMode.profile(.default))
    benchmark("dependent-adds", outOfOrder)
    benchmark("independent-adds", outOfOrder)
}

/// State a benchmark's setup creates and its iterations use (the benchmark runs them on one thread).
final class Box<Value>: @unchecked Sendable {
    var value: Value?
}
