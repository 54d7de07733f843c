import Emulator
import Foundation
import GuestKernel

/// Progress of a suite run, for the command line's progress bar or log lines.
public struct RunProgress: Sendable {
    public var completed: Int
    public var total: Int
    /// The task that just finished.
    public var finished: String
    /// Set when that task failed.
    public var failure: String?

    /// "about 3 min left", from the time the completed tasks took, or nil while too few have
    /// finished to tell (under a tenth of the tasks, or under 5 s). Tasks differ in cost, so it is
    /// an estimate: a long custom suite says roughly how long it will take instead of only counting.
    public func remaining(after elapsed: Double) -> String? {
        guard completed > 0, completed < total, elapsed >= 5, completed * 10 >= total else { return nil }
        let seconds = elapsed / Double(completed) * Double(total - completed)
        switch seconds {
        case ..<60: return "about \(max(1, Int(seconds.rounded()))) s left"
        case ..<3600: return "about \(Int((seconds / 60).rounded())) min left"
        default: return "about \(String(format: "%.1f", seconds / 3600)) h left"
        }
    }
}

/// Runs a suite's baselines, scenarios, IRQ sweeps and scaling curves on parallel workers.
///
/// Every task runs its own copy of the booted guest on its own machine, so results do not depend
/// on `jobs` or on scheduling. A task that fails is recorded with its reason; the others still run.
public struct SuiteRunner: Sendable {
    public let environment: MeasurementEnvironment
    public let jobs: Int
    public let progress: @Sendable (RunProgress) -> Void

    public init(environment: MeasurementEnvironment, jobs: Int, progress: @escaping @Sendable (RunProgress) -> Void) {
        self.environment = environment
        self.jobs = max(1, jobs)
        self.progress = progress
    }

    /// What a suite produced.
    public struct Output: Sendable {
        public var scenarios: [ScenarioResult]
        public var scaling: [ScalingCurve]
        public var failures: [MeasurementFailure]
        public var fetchCosts: [FetchCost]
        /// Fetch costs that could not be measured on this host (libdw unavailable): not failures.
        public var unavailableFetchCosts: [UnavailableFetchCost]
        /// The emulator's runs for the suite, per timing mode.
        public var runs: [String: SuiteRunTime]
    }

    private enum Task: Sendable {
        case baseline(Workload, String)
        case scenario(ScenarioSpec)
        case sweep(SweepSpec)
        case curve(CurveSpec)
        case fetchCost(FetchCostSpec)

        var label: String {
            switch self {
            case .baseline(let workload, let cpu): return "none/\(workload.rawValue)@\(cpu) (baseline)"
            case .scenario(let spec): return spec.id
            case .sweep(let spec): return "\(spec.scenario.id) IRQ sweep"
            case .curve(let spec): return "\(spec.mechanism.rawValue) by \(spec.parameter.rawValue)@\(spec.cpu)"
            case .fetchCost(let spec): return "fetch cost of '\(spec.definition)'@\(spec.cpu)"
            }
        }
    }

    private enum TaskResult: Sendable {
        case baseline(BaselineMeasurement)
        case scenario(ScenarioResult)
        case sweep([WalkVerification])
        case curve([ScalingCurve])
        case fetchCost(FetchCost)
        case fetchCostUnavailable(UnavailableFetchCost)
    }

    public func run(_ suite: Suite) -> Output {
        let runsBefore = HostRunTime.processTotals()
        let plan = CallPlan(warmup: suite.warmupCalls, measured: suite.measuredCalls)
        // A baseline for every scenario the run reports (the `none` ones are published from theirs).
        let reported = suite.reportedScenarios
        var baselineKeys: [(Workload, String)] = []
        for key in reported.map({ ($0.workload, $0.cpu) }) where !baselineKeys.contains(where: { $0 == key }) {
            baselineKeys.append(key)
        }
        let total = baselineKeys.count + suite.scenarios.count + suite.sweeps.count + suite.curves.count + suite.fetchCosts.count
        let counter = ProgressCounter(total: total, report: progress)

        // Baselines first: every scenario's overhead is relative to `none` on its workload and CPU.
        let baselineResults = runTasks(baselineKeys.map { Task.baseline($0.0, $0.1) }, plan: plan, counter: counter, baselines: [:])
        var baselines: [String: BaselineMeasurement] = [:]
        var failures: [MeasurementFailure] = []
        for (task, result) in baselineResults {
            guard case .baseline(let workload, let cpu) = task else { continue }
            switch result {
            case .success(.baseline(let measurement)): baselines["\(workload.rawValue)@\(cpu)"] = measurement
            case .failure(let error): failures.append(MeasurementFailure(id: task.label, reason: "\(error)"))
            default: break
            }
        }

        let tasks = suite.scenarios.map(Task.scenario) + suite.sweeps.map(Task.sweep) + suite.curves.map(Task.curve)
            + suite.fetchCosts.map(Task.fetchCost)
        let results = runTasks(tasks, plan: plan, counter: counter, baselines: baselines)
        var scenarios: [ScenarioResult] = []
        var sweeps: [(SweepSpec, [WalkVerification])] = []
        var curves: [ScalingCurve] = []
        var fetchCosts: [FetchCost] = []
        var unavailableFetchCosts: [UnavailableFetchCost] = []
        for (task, result) in results {
            switch result {
            case .success(.scenario(let scenario)): scenarios.append(scenario)
            case .success(.sweep(let walks)): if case .sweep(let spec) = task { sweeps.append((spec, walks)) }
            case .success(.curve(let produced)): curves.append(contentsOf: produced)
            case .success(.fetchCost(let cost)): fetchCosts.append(cost)
            case .success(.fetchCostUnavailable(let unavailable)): unavailableFetchCosts.append(unavailable)
            case .failure(let error): failures.append(MeasurementFailure(id: task.label, reason: "\(error)"))
            default: break
            }
        }
        // IRQ sweep walks join the scenario they swept; the reported scenarios the suite does not
        // measure (a `none` sweep's, see `Suite.reportedScenarios`) are published from their baselines.
        // Walks with no scenario to join are reported as a failure, never dropped unseen.
        let fromBaselines = Set(reported).subtracting(suite.scenarios)
        for (spec, walks) in sweeps {
            let home = spec.scenario
            if let index = scenarios.firstIndex(where: { $0.id == home.id }) {
                scenarios[index].walks += walks
            } else if fromBaselines.contains(home), let baseline = baselines["\(spec.workload.rawValue)@\(spec.cpu)"] {
                scenarios.append(Self.noneScenario(spec: spec, baseline: baseline, walks: walks))
            } else {
                let scenario = spec.mechanism == .none ? "its baseline (none on \(spec.workload.rawValue))"
                    : "its scenario \(home.id)"
                failures.append(MeasurementFailure(id: Task.sweep(spec).label,
                                                   reason: "its walks are not published: \(scenario) was not measured"))
            }
        }
        scenarios.sort { $0.id < $1.id }
        curves.sort { $0.id < $1.id }
        failures.sort { $0.id < $1.id }
        // Every task's machines are gone by now, so their runs are in the process's totals.
        let runs = HostRunTime.difference(HostRunTime.processTotals(), runsBefore).mapValues {
            SuiteRunTime(instructions: $0.instructions, seconds: Double($0.nanoseconds) * 1e-9)
        }
        return Output(scenarios: scenarios, scaling: curves, failures: failures, fetchCosts: fetchCosts,
                      unavailableFetchCosts: unavailableFetchCosts, runs: runs)
    }

    /// `none` reported as a scenario to carry its walk results. Its figures are its baseline's, measured
    /// like any scenario's: windows, stack, attach and detach (the guest validates and records a `none`
    /// attach, patching nothing), the measured calls and cycles by symbol. Its overheads are against
    /// that same measurement, so zero by definition.
    static func noneScenario(spec: SweepSpec, baseline: BaselineMeasurement, walks: [WalkVerification]) -> ScenarioResult {
        let entry = WindowComparison(steady: Comparison(measured: baseline.steadyEntry, baseline: baseline.steadyEntry),
                                     firstHit: Comparison(measured: baseline.firstHit.entry.windowCounters,
                                                          baseline: baseline.firstHit.entry.windowCounters))
        let exit = WindowComparison(steady: Comparison(measured: baseline.steadyExit, baseline: baseline.steadyExit),
                                    firstHit: Comparison(measured: baseline.firstHit.exit.windowCounters,
                                                         baseline: baseline.firstHit.exit.windowCounters))
        let metrics = ScenarioMetrics(entry: entry, exit: exit,
                                      stackBytes: Comparison(measured: baseline.stackBytes, baseline: baseline.stackBytes),
                                      stackAtHandlerEntry: nil, attachCycles: baseline.attachCycles,
                                      detachCycles: baseline.detachCycles, measuredCalls: baseline.measuredCalls,
                                      entryBySymbol: baseline.entryBySymbol, exitBySymbol: baseline.exitBySymbol)
        return ScenarioResult(mechanism: spec.mechanism.rawValue, handler: spec.handler.rawValue,
                              workload: spec.workload.rawValue, cpu: spec.cpu, metrics: metrics, walks: walks)
    }

    private func runTasks(_ tasks: [Task], plan: CallPlan, counter: ProgressCounter,
                          baselines: [String: BaselineMeasurement]) -> [(Task, Result<TaskResult, Error>)] {
        let environment = self.environment
        let results = ParallelWorkers.map(tasks, jobs: jobs, completed: { index, result in
            if case .failure(let error) = result {
                counter.finished(tasks[index].label, failure: "\(error)")
            } else {
                counter.finished(tasks[index].label, failure: nil)
            }
        }) { task in
            try Self.execute(task, environment: environment, plan: plan, baselines: baselines)
        }
        return Array(zip(tasks, results))
    }

    private static func execute(_ task: Task, environment: MeasurementEnvironment, plan: CallPlan,
                                baselines: [String: BaselineMeasurement]) throws -> TaskResult {
        let runner = ScenarioRunner(environment: environment)
        switch task {
        case .baseline(let workload, let cpu):
            return .baseline(try runner.measureBaseline(workload: workload, cpu: cpu, plan: plan))
        case .scenario(let spec):
            guard let baseline = baselines["\(spec.workload.rawValue)@\(spec.cpu)"] else {
                throw MeasurementError.scenarioFailed(id: spec.id, reason: "its baseline (none on \(spec.workload.rawValue)) failed")
            }
            return .scenario(try runner.measure(spec, baseline: baseline, plan: plan))
        case .sweep(let spec):
            return .sweep(try InterruptSweepRunner(environment: environment).sweep(spec))
        case .curve(let spec):
            return .curve(try ScalingRunner(environment: environment).measure(spec, plan: plan))
        case .fetchCost(let spec):
            let costs: [FetchCost]
            do {
                costs = try FetchCostMeasurement.measure(
                    definitions: [spec.definition], cpu: spec.cpu,
                    plan: FetchCostMeasurement.Plan(warmup: plan.warmup, measured: plan.measured), environment: environment)
            } catch let unavailable as FetchCostUnavailable {
                // libdw is missing on this host: recorded as unavailable, as libdw's walks are, not failed.
                return .fetchCostUnavailable(UnavailableFetchCost(definition: spec.definition, cpu: spec.cpu,
                                                                  reason: unavailable.reason))
            }
            guard let cost = costs.first else {
                throw MeasurementError.scenarioFailed(id: spec.definition, reason: "no fetch cost was measured")
            }
            return .fetchCost(cost)
        }
    }
}

/// Counts finished tasks across workers and reports progress.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var completed = 0
    private let total: Int
    private let report: @Sendable (RunProgress) -> Void

    init(total: Int, report: @escaping @Sendable (RunProgress) -> Void) {
        self.total = total
        self.report = report
    }

    func finished(_ label: String, failure: String?) {
        lock.lock()
        completed += 1
        let snapshot = RunProgress(completed: completed, total: total, finished: label, failure: failure)
        lock.unlock()
        report(snapshot)
    }
}
