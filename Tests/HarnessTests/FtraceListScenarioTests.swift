import GuestKernel
import Testing
@testable import Harness

/// An ftrace-list scenario is the ops curve's point at the guest's default ops count.
@Suite struct FtraceListScenarioTests {
    @Test func theScenarioMeasuresTheListWithTheDefaultNumberOfOps() throws {
        let environment = try SteadyStateTests.environment.get()
        let plan = CallPlan(warmup: 8, measured: 4)
        let spec = ScenarioSpec(mechanism: .ftraceList, handler: .count, workload: .leaf, cpu: HarnessProfiles.defaultName)
        let runner = ScenarioRunner(environment: environment)
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        let scenario = try runner.measure(spec, baseline: baseline, plan: plan).metrics.entry.steady.overhead.cycles
        let curve = CurveSpec(parameter: .registeredOps, values: [1, GuestABI.ftraceListDefaultOps], mechanism: .ftraceList,
                              handler: .count, workload: .leaf, cpu: spec.cpu)
        let points = try #require(try ScalingRunner(environment: environment).measure(curve, plan: plan).first).points
        #expect(GuestABI.ftraceListDefaultOps > 1, "one ops is called directly by a kernel, not through the list")
        #expect(points.map(\.y) == [points[0].y, scenario] && points[1].y > points[0].y, "\(points) vs \(scenario)")
    }
}
