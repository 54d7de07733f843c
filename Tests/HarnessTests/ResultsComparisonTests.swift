import Testing
@testable import Harness

@Suite struct ResultsComparisonTests {
    let baseline = ResultsFixtures.run("base", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40)])

    @Test func identicalRunsHaveNoChangeAndExitZero() {
        let comparison = ResultsComparison(baseline: baseline, current: baseline)
        #expect(comparison.exitStatus == 0)
        #expect(comparison.regressions.isEmpty && comparison.improvements.isEmpty)
    }

    @Test func moreCyclesThanTheBaselineIsARegression() {
        let worse = ResultsFixtures.run("worse", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 44)])
        let comparison = ResultsComparison(baseline: baseline, current: worse)
        #expect(comparison.exitStatus == 2)
        #expect(comparison.regressions.contains { $0.key.contains("entry overhead cycles (steady)") })
    }

    @Test func fewerCyclesOnlyIsImprovementsOnly() {
        let better = ResultsFixtures.run("better", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 36)])
        #expect(ResultsComparison(baseline: baseline, current: better).exitStatus == 4)
    }

    @Test func changesWithinTheToleranceDoNotCount() {
        let nudged = ResultsFixtures.run("nudged", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40.4)])
        #expect(ResultsComparison(baseline: baseline, current: nudged).exitStatus == 0)
        let strict = ComparisonPolicy(relativeTolerance: 0, absoluteTolerance: 0)
        #expect(ResultsComparison(baseline: baseline, current: nudged, policy: strict).exitStatus == 2)
    }

    /// A window whose cycles moved on the same instructions is noted with the mispredicts that
    /// moved, and the summary points at code placement when the guest image differs.
    @Test func cyclesThatMoveOnTheSameInstructionsAreNotedWithTheirMispredicts() throws {
        func run(_ id: String, cycles: Double, instructions: Double, mispredicts: Double, guest: String) -> RunResults {
            var scenario = ResultsFixtures.scenario("ftrace-args", entryCycles: cycles)
            scenario.metrics.entry.steady.measured.instructions = instructions
            scenario.metrics.entry.steady.measured.branchMispredicts = mispredicts
            var results = ResultsFixtures.run(id, scenarios: [scenario])
            results.environment.guestImageSHA256 = guest
            return results
        }
        let before = run("a", cycles: 900, instructions: 1407, mispredicts: 14, guest: "00")
        // (The fixture moves the exit window too, with its instructions: that one is not noted.)
        let layout = ResultsComparison(baseline: before, current: run("b", cycles: 800, instructions: 1407, mispredicts: 9, guest: "11"))
        let window = try #require(layout.changes.first { $0.key.hasSuffix("entry overhead cycles (steady)") })
        #expect(window.verdict == .improved && window.note == "same instructions; branch mispredicts 14 → 9")
        #expect(layout.notes.contains { $0.hasPrefix("1 of the 2 steady windows and curve points whose cycles moved ran the same instructions")
            && $0.contains("code that moved is the likely cause") })
        // More instructions: the code path changed, and nothing is said about mispredicts.
        let longer = ResultsComparison(baseline: before, current: run("c", cycles: 800, instructions: 1410, mispredicts: 9, guest: "11"))
        #expect(longer.changes.first { $0.key.hasSuffix("entry overhead cycles (steady)") }?.note == nil)
        #expect(!longer.notes.contains { $0.contains("same instructions") })
    }

    /// A curve point that moved on the same instructions is noted the same way, from the counters
    /// of its measured window; one without counters (an older file) is not.
    @Test func curvePointsThatMoveOnTheSameInstructionsAreNotedToo() throws {
        func run(_ id: String, y: Double, instructions: Double, mispredicts: Double, counters: Bool = true) -> RunResults {
            var results = ResultsFixtures.run(id, scenarios: [])
            let window = WindowCounters(cycles: y + 100, instructions: instructions, branchMispredicts: mispredicts)
            results.scaling = [ScalingCurve(parameter: .sharedOps, mechanism: "ftrace-list", handler: "count", workload: "leaf",
                                            cpu: "cortex-a72", quantity: "entry overhead cycles per call",
                                            points: [ScalingPoint(x: 4, y: y, window: counters ? window : nil)])]
            return results
        }
        let before = run("a", y: 222, instructions: 371, mispredicts: 3)
        let moved = ResultsComparison(baseline: before, current: run("b", y: 262, instructions: 371, mispredicts: 5))
        let point = try #require(moved.changes.first { $0.key.hasSuffix("· at 4") })
        #expect(point.verdict == .regressed && point.note == "same instructions; branch mispredicts 3 → 5")
        #expect(moved.notes.contains { $0.hasPrefix("1 of the 1 steady windows and curve points whose cycles moved") })
        let longer = ResultsComparison(baseline: before, current: run("c", y: 262, instructions: 425, mispredicts: 5))
        #expect(longer.changes.first { $0.key.hasSuffix("· at 4") }?.note == nil)
        let older = ResultsComparison(baseline: run("d", y: 222, instructions: 0, mispredicts: 0, counters: false),
                                      current: run("e", y: 262, instructions: 371, mispredicts: 5))
        #expect(older.changes.first { $0.key.hasSuffix("· at 4") }?.note == nil)
    }

    @Test func aScenarioMissingFromTheRunIsARegression() {
        let empty = ResultsFixtures.run("empty", scenarios: [])
        let comparison = ResultsComparison(baseline: baseline, current: empty)
        #expect(comparison.exitStatus == 2)
        #expect(comparison.changes.contains { $0.verdict == .removed })
    }

    @Test func hostThroughputNoiseIsNotJudged() {
        let noisy = ResultsFixtures.run("noisy", scenarios: baseline.scenarios, throughput: [0.95e8, 1.05e8, 0.97e8])
        #expect(ResultsComparison(baseline: baseline, current: noisy).exitStatus == 0)
    }

    @Test func separatedHostThroughputSamplesAreJudged() {
        let slow = ResultsFixtures.run("slow", scenarios: baseline.scenarios, throughput: [0.5e8, 0.52e8, 0.51e8])
        #expect(ResultsComparison(baseline: baseline, current: slow).exitStatus == 2)
        let otherHost = ResultsFixtures.run("other", scenarios: baseline.scenarios, throughput: [0.5e8], host: "laptop")
        #expect(ResultsComparison(baseline: baseline, current: otherHost).exitStatus == 0)
        #expect(ResultsComparison(baseline: baseline, current: slow, policy: ComparisonPolicy(includeHost: false)).exitStatus == 0)
    }

    @Test("host throughput from another processor model, or from a baseline that does not name its model, is not judged")
    func hostThroughputIsJudgedOnlyOnTheSameProcessorModel() throws {
        let slowerModel = "AMD EPYC (AuthenticAMD family 25 model 17 stepping 1)"
        for processor in [slowerModel, nil] {
            // The same host name, as virtual machines on different hardware often have.
            let current = ResultsFixtures.run("other", scenarios: baseline.scenarios, throughput: [0.5e8, 0.51e8],
                                              processor: processor)
            let comparison = ResultsComparison(baseline: baseline, current: current)
            #expect(comparison.exitStatus == 0)
            let host = try #require(comparison.changes.first { $0.key.contains("functional") })
            #expect(host.verdict == .skipped && host.note == ResultsComparison.differentHostNote)
            let note = try #require(comparison.notes.first { $0.hasPrefix("Host throughput is not judged") })
            #expect(note.contains("family 25 model 1 stepping 1"))
            #expect(note.contains(processor ?? "processor model not recorded"))
        }
        // Two runs that both predate the record compare as before.
        let old = ResultsFixtures.run("old", scenarios: baseline.scenarios, processor: nil)
        let oldSlow = ResultsFixtures.run("old-slow", scenarios: baseline.scenarios, throughput: [0.5e8, 0.51e8], processor: nil)
        #expect(ResultsComparison(baseline: old, current: oldSlow).exitStatus == 2)
    }

    @Test func fewerCorrectWalksIsARegression() {
        var current = baseline
        current.scenarios[0].walks[0].correct = 3
        current.scenarios[0].walks[0].missingFrame = 1
        let comparison = ResultsComparison(baseline: baseline, current: current)
        #expect(comparison.exitStatus == 2)
        #expect(comparison.regressions.map(\.key).contains { $0.hasSuffix("correct") })
    }

    @Test func walkCountsAreJudgedExactlyWhateverTheTolerance() {
        var base = baseline
        base.scenarios[0].walks[0].total = 567
        base.scenarios[0].walks[0].correct = 205
        base.scenarios[0].walks[0].missingFrame = 362
        var current = base
        current.scenarios[0].walks[0].correct = 204
        current.scenarios[0].walks[0].missingFrame = 363
        let lenient = ComparisonPolicy(relativeTolerance: 0.05, absoluteTolerance: 2)
        let comparison = ResultsComparison(baseline: base, current: current, policy: lenient)
        #expect(comparison.exitStatus == 2)
        #expect(Set(comparison.regressions.map { String($0.key.split(separator: " ").last ?? "") }) == ["correct", "wrong"])
        // Costs keep their tolerance.
        var nudged = base
        nudged.scenarios[0].metrics = ResultsFixtures.scenario("ftrace-args", entryCycles: 41).metrics
        #expect(ResultsComparison(baseline: base, current: nudged, policy: lenient).exitStatus == 0)
    }

    @Test func walkMetricsOfAnUnavailableWalkerAreNotJudged() {
        var current = baseline
        current.scenarios[0].walks[0] = WalkVerification(point: .entryHandler, walker: .guest, unavailable: "libdw.so.1 not found")
        let comparison = ResultsComparison(baseline: baseline, current: current)
        #expect(comparison.exitStatus == 0)
        #expect(comparison.changes.contains { $0.verdict == .skipped && $0.note?.contains("libdw.so.1 not found") == true })
    }

    @Test func aDifferentGuestOrSuiteIsNotedNotHidden() {
        var other = baseline
        other.environment.guestImageSHA256 = "ff"
        other.run.suite = "full"
        let notes = ResultsComparison(baseline: baseline, current: other).notes
        #expect(notes.count == 2)
        #expect(notes.contains { $0.hasPrefix("The guest image differs") })
        #expect(notes.contains { $0.hasPrefix("The suites differ (baseline quick, this run full)") })
        #expect(ResultsComparison(baseline: baseline, current: baseline).notes.isEmpty)
    }

    @Test func repeatedMetricsAreNoted() {
        let doubled = ResultsFixtures.run("doubled", scenarios: baseline.scenarios + baseline.scenarios)
        let comparison = ResultsComparison(baseline: doubled, current: baseline)
        #expect(comparison.notes.contains { $0.hasPrefix("The baseline holds") && $0.contains("repeated metric") })
    }

    @Test func anyAxisValueAFileCanHoldMakesAKey() {
        var curve = ScalingCurve(parameter: .stackDepth, mechanism: "fgraph", handler: "count", workload: "recursive",
                                 cpu: "cortex-a72", quantity: "overhead cycles per traced call",
                                 points: [1e20, -1e20, 3, .infinity].map { ScalingPoint(x: $0, y: 1) })
        var run = baseline
        run.scaling = [curve]
        let keys = run.namedMetrics.map(\.key)
        #expect(keys.contains { $0.hasSuffix(" · at 3") })
        #expect(keys.contains { $0.hasSuffix(" · at 1e+20") } && keys.contains { $0.hasSuffix(" · at -1e+20") })
        #expect(keys.contains { $0.hasSuffix(" · at inf") })
        curve.points = []
        #expect(ResultsComparison(baseline: run, current: run).exitStatus == 0)
    }
}
