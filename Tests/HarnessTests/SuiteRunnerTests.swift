import GuestKernel
import Testing
@testable import Harness

/// What a suite run publishes when parts of it have nothing to attach to.
@Suite struct SuiteRunnerTests {
    /// A suite loaded from a file always lists a sweep's scenario; one put together otherwise (or
    /// whose scenario was filtered out) used to lose the sweep's walks without a word.
    @Test func sweepWalksWithNoScenarioToJoinAreAFailureNotDropped() throws {
        let cpu = HarnessProfiles.defaultName
        let suite = Suite(name: "t", description: "d", cpus: [cpu], warmupCalls: 1, measuredCalls: 2, scenarios: [],
                          sweeps: [SweepSpec(mechanism: .ftraceArgs, handler: .count, workload: .leaf, cpu: cpu)], curves: [])
        let output = SuiteRunner(environment: try MeasurementEnvironment(), jobs: 1) { _ in }.run(suite)
        #expect(output.scenarios.isEmpty)
        #expect(output.failures.map(\.id) == ["ftrace-args/count/leaf@\(cpu) IRQ sweep"])
        #expect(output.failures.first?.reason.contains("its scenario ftrace-args/count/leaf@\(cpu) was not measured") == true,
                "\(output.failures)")
    }

    /// A `none` IRQ sweep is published as a scenario of its own from its baseline: its figures are
    /// that baseline's measurement, not zeros (it once claimed 0 measured calls and 0 attach and
    /// detach cycles, and left out the cycles by symbol its baseline had recorded).
    @Test func aNoneSweepsScenarioReportsItsBaselinesMeasurement() throws {
        let cpu = HarnessProfiles.defaultName
        let environment = try MeasurementEnvironment()
        let suite = Suite(name: "t", description: "d", cpus: [cpu], warmupCalls: 1, measuredCalls: 3, scenarios: [],
                          sweeps: [SweepSpec(mechanism: .none, handler: .count, workload: .leaf, cpu: cpu)], curves: [])
        let output = SuiteRunner(environment: environment, jobs: 1) { _ in }.run(suite)
        #expect(output.failures.isEmpty, "\(output.failures)")
        #expect(output.scenarios.map(\.id) == ["none/count/leaf@\(cpu)"])
        let none = try #require(output.scenarios.first)
        #expect(!none.walks.isEmpty)
        // The same measurement taken on its own (the emulator is deterministic).
        let baseline = try ScenarioRunner(environment: environment)
            .measureBaseline(workload: .leaf, cpu: cpu, plan: CallPlan(warmup: 1, measured: 3))
        let m = none.metrics
        #expect(m.measuredCalls == 3)
        #expect(baseline.attachCycles > 0 && baseline.detachCycles > 0)
        #expect(m.attachCycles == baseline.attachCycles && m.detachCycles == baseline.detachCycles)
        #expect(m.entry.steady.measured == baseline.steadyEntry && m.exit.steady.measured == baseline.steadyExit)
        #expect(m.stackBytes.measured == baseline.stackBytes)
        // Against itself: every overhead is zero by definition.
        #expect(m.entry.steady.overhead == WindowCounters() && m.exit.firstHit.overhead == WindowCounters())
        // Cycles by symbol add up to the windows, as in every other scenario.
        let entry = try #require(m.entryBySymbol), exit = try #require(m.exitBySymbol)
        #expect(!entry.isEmpty && entry == baseline.entryBySymbol && exit == baseline.exitBySymbol)
        #expect(entry.reduce(0) { $0 + $1.cycles } == m.entry.steady.measured.cycles)
        #expect(exit.reduce(0) { $0 + $1.counters.instructions } == m.exit.steady.measured.instructions)
    }
}

/// The time left that `bench run`'s progress line shows.
@Suite struct RunProgressTests {
    func progress(_ completed: Int, of total: Int) -> RunProgress {
        RunProgress(completed: completed, total: total, finished: "t", failure: nil)
    }

    @Test func timeLeftComesFromTheTasksDoneSoFar() {
        #expect(progress(10, of: 40).remaining(after: 6) == "about 18 s left")
        #expect(progress(100, of: 1000).remaining(after: 30) == "about 5 min left")
        #expect(progress(100, of: 1000).remaining(after: 3000) == "about 7.5 h left")
    }

    @Test func noEstimateBeforeThereIsAnythingToGoOnOrAfterTheLastTask() {
        #expect(progress(0, of: 10).remaining(after: 100) == nil)
        #expect(progress(1, of: 100).remaining(after: 60) == nil, "one task in a hundred says little")
        #expect(progress(50, of: 100).remaining(after: 2) == nil, "a run this short needs no estimate")
        #expect(progress(10, of: 10).remaining(after: 100) == nil)
    }
}
