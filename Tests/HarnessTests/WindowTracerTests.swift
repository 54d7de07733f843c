import GuestKernel
import Testing
@testable import Harness

/// `bench trace` steps the call that `bench run` measures, in the same driver loop.
@Suite struct WindowTracerTests {
    @Test(arguments: [Mechanism.ftraceArgs, .kprobeXOL, .functionGraph])
    func theTracedWindowsCostWhatTheRunMeasures(_ mechanism: Mechanism) throws {
        let environment = try SteadyStateTests.environment.get()
        let spec = ScenarioSpec(mechanism: mechanism, handler: .args, workload: .args, cpu: HarnessProfiles.defaultName)
        let plan = CallPlan(warmup: 8, measured: 4)
        let runner = ScenarioRunner(environment: environment)
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        let metrics = try runner.measure(spec, baseline: baseline, plan: plan).metrics
        let traced = try WindowTracer(environment: environment).trace(spec, warmup: plan.warmup).instructions
        func total(_ window: TracedInstruction.Window) -> Double {
            Double(traced.filter { $0.window == window }.reduce(0) { $0 + $1.step.cycles })
        }
        #expect(total(.entry) == metrics.entry.steady.measured.cycles)
        #expect(total(.exit) == metrics.exit.steady.measured.cycles)
    }
}
