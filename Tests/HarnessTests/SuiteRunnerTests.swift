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
}
