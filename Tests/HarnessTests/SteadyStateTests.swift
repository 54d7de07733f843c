import GuestKernel
import Testing
@testable import Harness

/// The steady state is a property of the path, not of how many calls a suite measures.
@Suite struct SteadyStateTests {
    static let environment = Result { try MeasurementEnvironment() }

    func steadyEntryOverhead(_ spec: ScenarioSpec, measured: Int) throws -> Double {
        let runner = ScenarioRunner(environment: try Self.environment.get())
        let plan = CallPlan(warmup: 8, measured: measured)
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        return try runner.measure(spec, baseline: baseline, plan: plan).metrics.entry.steady.overhead.cycles
    }

    /// Warm-up and measured calls used to be two host calls, and the first call of each paid for the
    /// host call's entry: ftrace-args on `args` measured 32 cycles with one measured call, 27 with
    /// two and 22.6 with sixteen.
    @Test(arguments: [Mechanism.ftraceArgs, .kprobeXOL, .functionGraph])
    func theSteadyOverheadDoesNotDependOnTheNumberOfMeasuredCalls(_ mechanism: Mechanism) throws {
        let spec = ScenarioSpec(mechanism: mechanism, handler: .args, workload: .args, cpu: HarnessProfiles.defaultName)
        let one = try steadyEntryOverhead(spec, measured: 1)
        #expect(try steadyEntryOverhead(spec, measured: 2) == one)
        #expect(try steadyEntryOverhead(spec, measured: 16) == one)
    }
}
