import GuestKernel
import Testing
@testable import Harness

/// Every steady-state window's cycles are charged to symbols, and add up to the window.
@Suite struct CycleAttributionTests {
    static let environment = Result { try MeasurementEnvironment() }

    /// kprobe-ss takes its step exception before a fetch, outside any block: its entry cost (28
    /// cycles per call) used to be charged to no one. Direct paths run allocated trampolines.
    @Test(arguments: [Mechanism.kprobeSingleStep, .kprobeXOL, .directBL, .directPLT, .functionGraph, .kretprobeBRK])
    func theSymbolsOfAWindowAddUpToTheWindow(_ mechanism: Mechanism) throws {
        let runner = ScenarioRunner(environment: try Self.environment.get())
        let plan = CallPlan(warmup: 4, measured: 3)
        let spec = ScenarioSpec(mechanism: mechanism, handler: .count, workload: .nonleaf, cpu: HarnessProfiles.defaultName)
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        let metrics = try runner.measure(spec, baseline: baseline, plan: plan).metrics
        for (name, window, bySymbol) in [("entry", metrics.entry, metrics.entryBySymbol), ("exit", metrics.exit, metrics.exitBySymbol)] {
            let symbols = try #require(bySymbol, "\(name) window has no attribution")
            // Every counter, mispredicts and cache misses included (per-call means: equal up to rounding).
            let sum = symbols.reduce(WindowCounters()) { $0 + $1.counters }
            for ((counter, attributed), (_, measured)) in zip(sum.named, window.steady.measured.named) {
                #expect(abs(attributed - measured) < 1e-9, "\(name) \(counter): \(attributed) by symbol, \(measured) measured")
            }
            #expect(!symbols.contains { $0.symbol == "<unknown>" }, "\(name): \(symbols.map(\.symbol))")
            #expect(symbols.map(\.cycles) == symbols.map(\.cycles).sorted(by: >))
        }
        if mechanism == .directPLT {
            #expect(metrics.entryBySymbol?.contains { $0.symbol == "allocated code (module area)" } == true)
        }
    }
}
