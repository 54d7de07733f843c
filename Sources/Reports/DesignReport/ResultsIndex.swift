import GuestKernel
import Harness

/// Lookups over a run's scenarios for the report's questions.
struct ResultsIndex {
    /// The run with only the scenarios whose mechanism traced its function alone: what every
    /// question but the stacked-hooks one compares.
    let results: RunResults
    /// Every scenario of the run, those with another tracer's hook beside them (`alongside`) too.
    let allScenarios: [ScenarioResult]
    /// The scenarios with another tracer's hook on the same function.
    let stacked: [ScenarioResult]
    private let byID: [String: ScenarioResult]

    init(_ results: RunResults) {
        allScenarios = results.scenarios
        stacked = results.scenarios.filter { $0.alongside != nil }
        var alone = results
        alone.scenarios = results.scenarios.filter { $0.alongside == nil }
        self.results = alone
        byID = Dictionary(results.scenarios.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var cpus: [String] { results.run.cpuProfiles }
    /// The profile the report's questions are answered on: the default profile when the run measured
    /// it (a suite may list it anywhere, `full` lists cortex-a53 first), otherwise the run's first.
    var primaryCPU: String {
        cpus.contains(HarnessProfiles.defaultName) ? HarnessProfiles.defaultName : cpus.first ?? HarnessProfiles.defaultName
    }

    func scenario(_ mechanism: String, handler: String = "count", workload: String, cpu: String) -> ScenarioResult? {
        byID["\(mechanism)/\(handler)/\(workload)@\(cpu)"]
    }

    /// The workload most questions compare on: the first of the preferred ones the run measured.
    func referenceWorkload(cpu: String, handler: String = "count") -> String? {
        let measured = Set(results.scenarios.filter { $0.cpu == cpu && $0.handler == handler }.map(\.workload))
        return ["nonleaf", "leaf", "args", "tailcall", "recursive", "sample"].first { measured.contains($0) }
            ?? measured.sorted().first
    }

    /// Mechanisms measured on a workload, CPU and handler, in the guest's order (`mechanismOrder`).
    func mechanisms(workload: String, cpu: String, handler: String = "count") -> [String] {
        let measured = Set(results.scenarios.filter { $0.workload == workload && $0.cpu == cpu && $0.handler == handler }
            .map(\.mechanism))
        return Self.ordered(measured)
    }

    /// `mechanisms` in the guest's order (`mechanismOrder`), names it does not know last, by name.
    static func ordered(_ mechanisms: Set<String>) -> [String] {
        mechanismOrder.filter { mechanisms.contains($0) } + mechanisms.subtracting(mechanismOrder).sorted()
    }

    /// The reference workload on `cpu` and its count-handler scenarios of every path but `none`, in
    /// the guest's order; nil when the run measured no count-handler scenario on `cpu`.
    func pathsOnReferenceWorkload(cpu: String) -> (workload: String, scenarios: [ScenarioResult])? {
        guard let workload = referenceWorkload(cpu: cpu) else { return nil }
        return (workload, mechanisms(workload: workload, cpu: cpu).filter { $0 != "none" }
            .compactMap { scenario($0, workload: workload, cpu: cpu) })
    }

    /// The guest's mechanisms in the order of its ABI table (the report's tables list them so).
    static let mechanismOrder = Mechanism.allCases.map(\.rawValue)

    func curves(_ parameter: ScalingCurve.Parameter, quantity: String? = nil) -> [ScalingCurve] {
        results.scaling.filter { $0.parameter == parameter && (quantity == nil || $0.quantity == quantity) }
    }
}

extension ScenarioResult {
    /// Steady-state entry plus exit overhead per call, in cycles.
    var totalOverhead: Double { metrics.entry.steady.overhead.cycles + metrics.exit.steady.overhead.cycles }
    var entryOverhead: Double { metrics.entry.steady.overhead.cycles }
    var exitOverhead: Double { metrics.exit.steady.overhead.cycles }
    /// Steady-state entry plus exit counters per call, minus `none`'s.
    var steadyOverhead: WindowCounters { metrics.entry.steady.overhead + metrics.exit.steady.overhead }
    var firstHitOverhead: Double { metrics.entry.firstHit.overhead.cycles + metrics.exit.firstHit.overhead.cycles }
}
