import GuestKernel
import Testing
@testable import Harness

/// A BRK mechanism and a patch-site mechanism on one function (`alongside`): suites accept only
/// pairs a function can take, and both return hooks are recovered by the guest's walker.
@Suite struct StackedHooksTests {
    static func group(_ mechanisms: [String], alongside: String, handlers: [String] = ["count"]) -> [String: Any] {
        ["scenarios": [["mechanisms": mechanisms, "handlers": handlers, "workloads": ["nonleaf"], "alongside": alongside]]]
    }

    @Test func suitesTakeOneHookOfEachKind() throws {
        let suite = try SuiteValidationTests.resolve(Self.group(["kretprobe-brk", "kprobe-xol"], alongside: "fgraph"))
        #expect(suite.scenarios.map(\.id) == ["kretprobe-brk+fgraph/count/nonleaf@cortex-a72", "kprobe-xol+fgraph/count/nonleaf@cortex-a72"])
        #expect(suite.scenarios.allSatisfy { $0.alongside == .functionGraph })
        let same = try SuiteValidationTests.problem(Self.group(["fprobe"], alongside: "fgraph"))
        #expect(same?.contains("scenarios[0].alongside 'fgraph': fprobe hooks the function the same way") == true, "\(same ?? "accepted")")
        let none = try SuiteValidationTests.problem(Self.group(["kretprobe-brk"], alongside: "none"))
        #expect(none?.contains("scenarios[0].alongside 'none'") == true, "\(none ?? "accepted")")
        let unknown = try SuiteValidationTests.problem(Self.group(["kretprobe-brk"], alongside: "kprobe"))
        #expect(unknown?.contains("scenarios[0].alongside names unknown 'kprobe'") == true, "\(unknown ?? "accepted")")
        let modify = try SuiteValidationTests.problem(Self.group(["kretprobe-brk"], alongside: "fgraph", handlers: ["modify"]))
        #expect(modify?.contains("handler 'modify' judges the call's result") == true, "\(modify ?? "accepted")")
        // Through "all", the handlers measured alone are left out.
        let all = try SuiteValidationTests.resolve(Self.group(["kretprobe-brk"], alongside: "fgraph", handlers: ["all"]))
        #expect(!all.scenarios.isEmpty && all.scenarios.allSatisfy { !Suite.handlersMeasuredAlone.contains($0.handler) })
    }

    /// An IRQ sweep takes `alongside` too; its walks join the stacked scenario, which it brings along.
    @Test func sweepsTakeAnotherHookAlongside() throws {
        let sweep: [String: Any] = ["mechanisms": ["kretprobe-brk"], "workload": "nonleaf", "handler": "count", "alongside": "fgraph"]
        let suite = try SuiteValidationTests.resolve(["interruptSweeps": [sweep]])
        #expect(suite.sweeps.map(\.alongside) == [.functionGraph])
        #expect(suite.scenarios.map(\.id) == ["kretprobe-brk+fgraph/count/nonleaf@cortex-a72"])
        var baseline = sweep
        baseline["mechanisms"] = ["none"]
        baseline["alongside"] = "kretprobe-brk"
        let none = try SuiteValidationTests.problem(["interruptSweeps": [baseline]])
        #expect(none?.contains("interruptSweeps[0].alongside 'kretprobe-brk': none is the baseline") == true, "\(none ?? "accepted")")
    }

    /// The kretprobe takes the real return address, the graph tracer then the kretprobe's
    /// trampoline; the callee's walk recovers both, as often as under the kretprobe alone, and the
    /// pair costs about what the two cost alone.
    @Test func bothReturnHooksAreRecoveredAndTheirCostsAdd() throws {
        let runner = ScenarioRunner(environment: try SteadyStateTests.environment.get())
        let plan = CallPlan(warmup: 2, measured: 2)
        let cpu = HarnessProfiles.defaultName
        let baseline = try runner.measureBaseline(workload: .sample, cpu: cpu, plan: plan)
        func measure(_ mechanism: Mechanism, alongside: Mechanism? = nil) throws -> ScenarioResult {
            try runner.measure(ScenarioSpec(mechanism: mechanism, handler: .count, workload: .sample, cpu: cpu, alongside: alongside),
                               baseline: baseline, plan: plan)
        }
        let pair = try measure(.kretprobeBRK, alongside: .functionGraph)
        let kretprobe = try measure(.kretprobeBRK), fgraph = try measure(.functionGraph)
        #expect(pair.id == "kretprobe-brk+fgraph/count/sample@\(cpu)" && pair.alongside == "fgraph")
        let callee = try #require(pair.walks.first { $0.point == .calleeWhileHooked && $0.walker == .guest })
        #expect(callee.total > 0 && callee.correct == callee.total, "\(callee)")
        func total(_ result: ScenarioResult) -> Double {
            result.metrics.entry.steady.overhead.cycles + result.metrics.exit.steady.overhead.cycles
        }
        // Both hooks' work runs on every call: within a few percent of the two alone added.
        let added = total(kretprobe) + total(fgraph)
        #expect(abs(total(pair) - added) < 0.05 * added, "\(total(pair)) against \(added)")
        #expect(pair.metrics.entry.steady.measured.instructions
                > kretprobe.metrics.entry.steady.measured.instructions, "the graph tracer's entry ran too")
    }
}
