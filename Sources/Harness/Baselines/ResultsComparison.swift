import Foundation

/// Thresholds for `bench compare`.
public struct ComparisonPolicy: Sendable, Equatable {
    /// Guest metrics may move by this fraction of the baseline before they count as changed.
    public var relativeTolerance: Double
    /// …or by this absolute amount (cycles, bytes, counts), whichever is larger.
    public var absoluteTolerance: Double
    /// Host throughput counts as changed only if every sample is beyond this fraction of every baseline sample.
    public var hostTolerance: Double
    /// Whether host throughput is judged at all (it is meaningless across different machines).
    public var includeHost: Bool

    public init(relativeTolerance: Double = 0.005, absoluteTolerance: Double = 0.5, hostTolerance: Double = 0.15,
                includeHost: Bool = true) {
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.hostTolerance = hostTolerance
        self.includeHost = includeHost
    }
}

/// How one metric moved between a baseline and a run.
public struct MetricChange: Sendable, Equatable {
    public enum Verdict: String, Sendable, Equatable {
        case unchanged, improved, regressed
        /// In the run but not the baseline: reported, not judged.
        case added
        /// In the baseline but not the run: coverage was lost, which is a regression.
        case removed
        /// Not judged (e.g. host figures from a different machine).
        case skipped
    }

    public var key: String
    public var baseline: Double?
    public var current: Double?
    public var verdict: Verdict
    public var note: String?

    /// (current − baseline) / |baseline|, when both exist and the baseline is not zero.
    public var relativeChange: Double? {
        guard let baseline, let current, baseline != 0 else { return nil }
        return (current - baseline) / abs(baseline)
    }
}

/// The outcome of comparing a run with a baseline.
public struct ResultsComparison: Sendable {
    public var changes: [MetricChange]
    public var baselineRun: String
    public var currentRun: String
    /// What the reader must know to trust the table: a different guest or suite, duplicate metrics.
    public var notes: [String]

    /// `bench compare`'s exit status: 0 no change, 2 regression, 4 improvements only.
    public var exitStatus: Int32 {
        if changes.contains(where: { $0.verdict == .regressed || $0.verdict == .removed }) { return 2 }
        if changes.contains(where: { $0.verdict == .improved }) { return 4 }
        return 0
    }

    public var regressions: [MetricChange] { changes.filter { $0.verdict == .regressed || $0.verdict == .removed } }
    public var improvements: [MetricChange] { changes.filter { $0.verdict == .improved } }

    /// Compares `current` with `baseline` under `policy`.
    public init(baseline: RunResults, current: RunResults, policy: ComparisonPolicy = ComparisonPolicy()) {
        baselineRun = baseline.run.identifier
        currentRun = current.run.identifier
        let hostDifference = Self.hostDifference(baseline: baseline.environment, current: current.environment)
        let sameHost = hostDifference == nil
        var notes: [String] = []
        let guestDiffers = baseline.environment.guestImageSHA256 != current.environment.guestImageSHA256
        if guestDiffers {
            notes.append("The guest image differs (baseline \(baseline.environment.guestImageSHA256.prefix(16))…, this run "
                         + "\(current.environment.guestImageSHA256.prefix(16))…): a change may come from the guest itself.")
        }
        if baseline.run.suite != current.run.suite {
            notes.append("The suites differ (baseline \(baseline.run.suite), this run \(current.run.suite)): metrics only one of them measures are new or missing.")
        }
        /// Metrics by key; the first of a repeated key is used, and the repeat is noted.
        func byKey(_ metrics: [NamedMetric], _ side: String) -> [String: NamedMetric] {
            let table = Dictionary(metrics.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            if table.count < metrics.count {
                notes.append("The \(side) holds \(metrics.count - table.count) repeated metric(s); the first of each was compared.")
            }
            return table
        }
        let old = byKey(baseline.namedMetrics, "baseline")
        let new = byKey(current.namedMetrics, "run")
        let unavailable = current.unavailableMetricPrefixes
        var changes: [MetricChange] = []
        for key in Set(old.keys).union(new.keys).sorted() {
            switch (old[key], new[key]) {
            case let (before?, after?):
                changes.append(Self.judge(key: key, before: before, after: after, policy: policy, sameHost: sameHost))
            case let (before?, nil):
                if let unavailable = unavailable.first(where: { key.hasPrefix($0.prefix) }) {
                    changes.append(MetricChange(key: key, baseline: before.value, current: nil, verdict: .skipped,
                                                note: "\(unavailable.what) unavailable in this run: \(unavailable.reason)"))
                    continue
                }
                let verdict: MetricChange.Verdict = before.kind == .statistical ? .skipped : .removed
                changes.append(MetricChange(key: key, baseline: before.value, current: nil, verdict: verdict,
                                            note: "not measured in this run"))
            case let (nil, after?):
                changes.append(MetricChange(key: key, baseline: nil, current: after.value, verdict: .added, note: nil))
            case (nil, nil):
                break
            }
        }
        if let hostDifference, changes.contains(where: { $0.note == Self.differentHostNote }) {
            notes.append("Host throughput is not judged: \(hostDifference).")
        }
        if let note = Self.notePredictorMoves(&changes, old: old, new: new, guestDiffers: guestDiffers) { notes.append(note) }
        self.changes = changes
        self.notes = notes
    }

    /// The note on a host figure not judged because the runs' hosts differ.
    static let differentHostNote = "different host: not comparable"

    /// How the hosts of two runs differ (name, processor count or processor model), or nil when
    /// they are the same as far as both record. A run that does not record its processor model
    /// (written before it was recorded) matches only another that does not.
    static func hostDifference(baseline: EnvironmentInfo, current: EnvironmentInfo) -> String? {
        func host(_ environment: EnvironmentInfo) -> String {
            "\(environment.hostName), \(environment.hostProcessorCount) processors, \(environment.hostProcessorDescription)"
        }
        guard baseline.hostName == current.hostName, baseline.hostProcessorCount == current.hostProcessorCount,
              baseline.hostProcessor == current.hostProcessor else {
            return "the baseline ran on \(host(baseline)), this run on \(host(current))"
        }
        return nil
    }

    /// The counters besides instructions that a window's cycles can move with on the same code path.
    static let predictorCounters = [("branchMispredicts", "branch mispredicts"), ("returnMispredicts", "return mispredicts"),
                                    ("cacheMisses", "cache misses")]

    /// Notes each moved steady window or curve point whose instructions per call did not move, with
    /// the mispredict and cache-miss counts that did ("same instructions; branch mispredicts 14 →
    /// 9"), and returns a summary for the comparison's notes (nil when there is none). Such a window
    /// ran the same code path; where the guest image differs, that usually means its code or
    /// another path's moved, since the predictors and caches are indexed by address.
    private static func notePredictorMoves(_ changes: inout [MetricChange], old: [String: NamedMetric],
                                           new: [String: NamedMetric], guestDiffers: Bool) -> String? {
        let suffix = " overhead cycles (steady)"
        /// The prefix of the window's counter keys: a scenario's steady window, or a curve point
        /// whose window counters were recorded (its counters follow its own key).
        func window(of key: String) -> String? {
            if key.hasSuffix(suffix) { return String(key.dropLast(suffix.count)) }
            return old["\(key) instructions per call"] != nil ? key : nil
        }
        var moved = 0, sameInstructions = 0
        for index in changes.indices where changes[index].verdict == .improved || changes[index].verdict == .regressed {
            guard let window = window(of: changes[index].key) else { continue }
            moved += 1
            func values(_ counter: String) -> (Double, Double)? {
                guard let before = old["\(window) \(counter) per call"]?.value,
                      let after = new["\(window) \(counter) per call"]?.value else { return nil }
                return (before, after)
            }
            func figure(_ value: Double) -> String {
                value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
            }
            guard let instructions = values("instructions"), instructions.0 == instructions.1 else { continue }
            let counts = predictorCounters.compactMap { counter, name -> String? in
                guard let (before, after) = values(counter), before != after else { return nil }
                return "\(name) \(figure(before)) → \(figure(after))"
            }
            guard !counts.isEmpty else { continue }
            sameInstructions += 1
            changes[index].note = "same instructions; " + counts.joined(separator: ", ")
        }
        guard sameInstructions > 0 else { return nil }
        return "\(sameInstructions) of the \(moved) steady windows and curve points whose cycles moved ran the same instructions per call and "
            + "moved with their mispredicts or cache misses (noted in the table)"
            + (guestDiffers ? ": with a different guest image, code that moved is the likely cause, since the predictors and "
                + "caches are indexed by address." : ".")
    }

    private static func judge(key: String, before: NamedMetric, after: NamedMetric, policy: ComparisonPolicy,
                              sameHost: Bool) -> MetricChange {
        var change = MetricChange(key: key, baseline: before.value, current: after.value, verdict: .unchanged, note: nil)
        switch after.kind {
        case .deterministic, .exactCount:
            let allowed = after.kind == .exactCount ? 0 : max(policy.absoluteTolerance, abs(before.value) * policy.relativeTolerance)
            let delta = after.value - before.value
            if abs(delta) > allowed {
                let better = after.direction == .lowerIsBetter ? delta < 0 : delta > 0
                change.verdict = better ? .improved : .regressed
            }
        case .statistical:
            guard policy.includeHost else {
                change.verdict = .skipped
                change.note = "host figures not judged (--no-host)"
                return change
            }
            guard sameHost else {
                change.verdict = .skipped
                change.note = differentHostNote
                return change
            }
            // Judged only when the sample sets separate by more than the tolerance: noise never flips a verdict.
            let oldLow = before.samples.min() ?? 0, oldHigh = before.samples.max() ?? 0
            let newLow = after.samples.min() ?? 0, newHigh = after.samples.max() ?? 0
            let higherIsBetter = after.direction == .higherIsBetter
            if newHigh < oldLow * (1 - policy.hostTolerance) {
                change.verdict = higherIsBetter ? .regressed : .improved
            } else if newLow > oldHigh * (1 + policy.hostTolerance) {
                change.verdict = higherIsBetter ? .improved : .regressed
            }
            change.note = "\(after.samples.count) samples vs \(before.samples.count)"
        }
        return change
    }
}
