import GuestKernel
import Testing
@testable import Harness

/// `bench trace` steps the call that `bench run` measures, in the same driver loop.
@Suite struct WindowTracerTests {
    /// kprobe-ss's step exception is taken before a fetch: a step used to run it together with the
    /// vector's first instruction, so the trace charged that instruction's cycles to the slot.
    /// Every mechanism, with each handler kind the suites measure (and a workload of its own).
    @Test(arguments: Mechanism.measurable, [HandlerKind.count, .args, .walk, .modify, .redirect, .regsWalk])
    func theTracedWindowsCostWhatTheRunMeasures(_ mechanism: Mechanism, _ handler: HandlerKind) throws {
        let workload: Workload = switch handler {
        case .walk: .sample
        case .args: .args
        case .modify: .leaf
        case .redirect: .nonleaf
        case .regsWalk: .recursive
        default: .tailcall
        }
        try expectTraceMatchesRun(ScenarioSpec(mechanism: mechanism, handler: handler, workload: workload, cpu: HarnessProfiles.defaultName))
    }

    /// With another tracer's hook beside the mechanism, attached first by both.
    @Test(arguments: [(Mechanism.kretprobeBRK, Mechanism.functionGraph), (.functionGraph, .kretprobeTrampoline), (.kprobeXOL, .fprobe)])
    func tracesOfTwoHooksCostWhatTheRunMeasures(_ mechanism: Mechanism, _ alongside: Mechanism) throws {
        try expectTraceMatchesRun(ScenarioSpec(mechanism: mechanism, handler: .count, workload: .nonleaf, cpu: HarnessProfiles.defaultName,
                                               alongside: alongside))
    }

    func expectTraceMatchesRun(_ spec: ScenarioSpec) throws {
        let environment = try SteadyStateTests.environment.get()
        let plan = CallPlan(warmup: 8, measured: 4)
        let runner = ScenarioRunner(environment: environment)
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        let metrics = try runner.measure(spec, baseline: baseline, plan: plan).metrics
        let (traced, describe) = try WindowTracer(environment: environment).trace(spec, warmup: plan.warmup)
        func total(_ window: TracedInstruction.Window) -> Double {
            Double(traced.filter { $0.window == window }.reduce(0) { $0 + $1.step.cycles })
        }
        #expect(total(.entry) == metrics.entry.steady.measured.cycles)
        #expect(total(.exit) == metrics.exit.steady.measured.cycles)
        // Symbol by symbol too, instructions as well as cycles: the run charges blocks, the trace
        // single instructions (a block that ran on into the next symbol charged its instructions
        // to the first, at times with no cycles to show it).
        for (window, attributed) in [(TracedInstruction.Window.entry, metrics.entryBySymbol), (.exit, metrics.exitBySymbol)] {
            let run = (attributed ?? []).map { "\($0.symbol) \(Int($0.cycles)) \(Int($0.counters.instructions))" }
            let trace = TracedInstruction.countsBySymbol(traced, in: window, describe: describe)
                .map { "\($0.symbol) \($0.cycles) \($0.instructions)" }
            #expect(trace == run, "\(window)")
        }
    }
}
