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

    /// A benchmark running the fixed loop `words` makes in `timing`.
    func loop(_ name: String, _ timing: TimingMode, _ words: @escaping @Sendable () throws -> [UInt32]) {
        let box = Box<Machine>()
        Benchmark(name) { benchmark in
            let machine = box.value!
            let stop = machine.run(instructionLimit: UInt64(benchmark.scaledIterations.count))
            guard case .instructionLimit = stop else {
                benchmark.error("\(name) stopped early: \(stop)")
                return
            }
        } setup: {
            // Iterations enough for any run: each benchmark iteration continues where the last stopped.
            box.value = MixLoop.makeMachine(words: try words(), iterations: 1 << 50, timing: timing)
        }
    }

    for mode in modes {
        loop("mix loop · \(mode.name)", mode.timing) { MixLoop.words }

        let suite = Box<SuiteMix>()
        Benchmark("suite mix · \(mode.name)") { benchmark in
            try suite.value!.run(instructions: UInt64(benchmark.scaledIterations.count))
        } setup: {
            suite.value = try SuiteMix(timing: mode.timing)
        }
    }

    let outOfOrder = TimingMode.profile(.default)
    loop("dependent adds · \(CPUProfile.default.name)", outOfOrder, AddLoops.dependent)
    loop("independent adds · \(CPUProfile.default.name)", outOfOrder, AddLoops.independent)
}

/// State a benchmark's setup creates and its iterations use (the benchmark runs them on one thread).
final class Box<Value>: @unchecked Sendable {
    var value: Value?
}
