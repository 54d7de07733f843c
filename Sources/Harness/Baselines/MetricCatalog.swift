/// Whether a bigger value of a metric is good or bad.
public enum MetricDirection: String, Codable, Sendable {
    case lowerIsBetter
    case higherIsBetter
}

/// How a metric's changes are judged.
public enum MetricKind: String, Codable, Sendable {
    /// A guest measurement: deterministic, so any change beyond the tolerance counts.
    case deterministic
    /// A deterministic count judged exactly, whatever the tolerance: how many stack walks were right
    /// or wrong (one walk more or fewer is a change in correctness, not noise around a cost).
    case exactCount
    /// A host measurement with several samples: judged on whether the samples separate.
    case statistical
}

/// One named value of a run, as `bench compare` sees it.
public struct NamedMetric: Sendable, Equatable {
    /// `scenario-or-curve · metric`, unique within a run.
    public var key: String
    public var direction: MetricDirection
    public var kind: MetricKind
    /// The samples (one for deterministic metrics).
    public var samples: [Double]

    public var value: Double { samples.isEmpty ? 0 : samples.sorted()[samples.count / 2] }
}

extension RunResults {
    /// Key prefixes of metrics this run could not produce because something they need was unavailable
    /// (e.g. libdw could not be loaded: its walks, and fetch costs that need the guest's DWARF types),
    /// with what was unavailable and why: comparisons skip them rather than call them lost.
    public var unavailableMetricPrefixes: [(prefix: String, what: String, reason: String)] {
        let walks = scenarios.flatMap { scenario in
            scenario.walks.compactMap { walk in
                walk.unavailable.map { ("\(scenario.id) · \(walk.point.rawValue) walks by \(walk.walker.rawValue)", "walker", $0) }
            }
        }
        return walks + unavailableFetchCosts.map { ("\(Self.fetchCostPrefix($0.definition, cpu: $0.cpu)) · ", "fetch cost", $0.reason) }
    }

    /// The start of a fetch cost's metric keys.
    static func fetchCostPrefix(_ definition: String, cpu: String) -> String { "fetch '\(definition)'@\(cpu)" }

    /// Every metric of the run, flattened to named values with their direction.
    public var namedMetrics: [NamedMetric] {
        var metrics: [NamedMetric] = []
        func add(_ key: String, _ value: Double, _ direction: MetricDirection = .lowerIsBetter,
                 kind: MetricKind = .deterministic) {
            metrics.append(NamedMetric(key: key, direction: direction, kind: kind, samples: [value]))
        }
        for scenario in scenarios {
            let id = scenario.id
            let m = scenario.metrics
            for (windowName, window) in [("entry", m.entry), ("exit", m.exit)] {
                add("\(id) · \(windowName) overhead cycles (steady)", window.steady.overhead.cycles)
                add("\(id) · \(windowName) overhead cycles (first hit)", window.firstHit.overhead.cycles)
                for (name, value) in window.steady.measured.named where name != "cycles" {
                    add("\(id) · \(windowName) \(name) per call", value)
                }
            }
            add("\(id) · extra stack bytes", m.stackBytes.overhead)
            if let used = m.stackAtHandlerEntry { add("\(id) · stack used at handler entry", used) }
            add("\(id) · attach cycles", m.attachCycles)
            add("\(id) · detach cycles", m.detachCycles)
            for walk in scenario.walks where walk.unavailable == nil && walk.total > 0 {
                let prefix = "\(id) · \(walk.point.rawValue) walks by \(walk.walker.rawValue)"
                add("\(prefix) correct", Double(walk.correct), .higherIsBetter, kind: .exactCount)
                add("\(prefix) wrong", Double(walk.wrong), kind: .exactCount)
                add("\(prefix) wrong but claimed reliable", Double(walk.wrongButClaimedReliable), kind: .exactCount)
            }
            if let masked = scenario.walks.first(where: { $0.point == .interrupt && $0.masked != nil })?.masked {
                add("\(id) · irq masked instructions", Double(masked), kind: .exactCount)
            }
            // 1 where the handler's change reached the function (or the caller), 0 where the path lost it.
            if let change = scenario.handlerChange {
                add("\(id) · argument change reaches the function", change.argumentReachesFunction ? 1 : 0, .higherIsBetter,
                    kind: .exactCount)
                if let returned = change.returnValueReachesCaller {
                    add("\(id) · return value change reaches the caller", returned ? 1 : 0, .higherIsBetter, kind: .exactCount)
                }
            }
            // 1 where the group of fields a handler was given held the function's real registers.
            for (point, group) in scenario.handlerRegisterGroups {
                add("\(id) · \(point) handler's \(group.name) real", group.isReal ? 1 : 0, .higherIsBetter, kind: .exactCount)
            }
            if let redirect = scenario.callRedirect {
                add("\(id) · redirect reaches the replacement", redirect.reachesReplacement ? 1 : 0, .higherIsBetter,
                    kind: .exactCount)
            }
        }
        for curve in scaling {
            for point in curve.points {
                let key = "\(curve.id) · at \(formatAxis(point.x))"
                add(key, point.y)
                for (name, value) in point.window?.named ?? [] where name != "cycles" {
                    add("\(key) \(name) per call", value)
                }
            }
        }
        for cost in fetchCosts {
            let prefix = Self.fetchCostPrefix(cost.definition, cpu: cost.cpu)
            add("\(prefix) · cycles per argument", cost.cyclesPerArgument)
            add("\(prefix) · cycles per call", cost.fetchCycles)
            add("\(prefix) · record cycles", cost.recordCycles)
        }
        for (mode, samples) in host.instructionsPerSecond.sorted(by: { $0.key < $1.key }) where !samples.isEmpty {
            metrics.append(NamedMetric(key: "host · guest instructions per second (\(mode))", direction: .higherIsBetter,
                                       kind: .statistical, samples: samples))
        }
        return metrics
    }

    /// An axis value as a key: whole numbers without a fraction (any that fit 64 bits; a file may hold any double).
    private func formatAxis(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 0x1p63 ? String(Int64(x)) : String(x)
    }
}
