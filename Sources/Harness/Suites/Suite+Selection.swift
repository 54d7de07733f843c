import GuestKernel

/// The CPU profiles the harness can time with.
public enum HarnessProfiles {
    public static var names: [String] { MachineTiming.profileNames }
    public static var defaultName: String { MachineTiming.defaultProfile }
}

extension Suite {
    /// The suite moved to `cpus` (each scenario, sweep and curve once per CPU).
    public func onCPUs(_ cpus: [String]) -> Suite {
        var suite = self
        // Once each, in the order given: a repeated profile would be listed, and measured, twice.
        var seen = Set<String>()
        let cpus = cpus.filter { seen.insert($0).inserted }
        suite.cpus = cpus
        suite.scenarios = Self.unique(scenarios.flatMap { spec in cpus.map { var s = spec; s.cpu = $0; return s } })
        suite.sweeps = Self.unique(sweeps.flatMap { spec in cpus.map { var s = spec; s.cpu = $0; return s } })
        suite.curves = Self.merged(curves.flatMap { spec in cpus.map { var s = spec; s.cpu = $0; return s } })
        suite.fetchCosts = Self.unique(fetchCosts.flatMap { spec in cpus.map { var s = spec; s.cpu = $0; return s } })
        return suite
    }

    /// Only the scenarios, sweeps and curves whose id contains one of `patterns`.
    public func filtered(by patterns: [String]) -> Suite {
        func matches(_ id: String) -> Bool { patterns.contains { id.contains($0) } }
        var suite = self
        suite.scenarios = scenarios.filter { matches($0.id) }
        suite.sweeps = sweeps.filter { matches("\($0.mechanism.rawValue)/\($0.handler.rawValue)/\($0.workload.rawValue)@\($0.cpu)") }
        suite.curves = curves.filter { matches("\($0.mechanism.rawValue)/\($0.handler.rawValue)/\($0.workload.rawValue)@\($0.cpu)") }
        suite.fetchCosts = fetchCosts.filter { matches("\($0.definition)@\($0.cpu)") }
        return suite
    }

    /// `items` without repeats, in the order they first appear.
    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    /// One curve per parameter, mechanism, handler, workload and CPU (the curve's identity in
    /// results), over every value any of `curves` with that identity asks for, ascending, each once.
    static func merged(_ curves: [CurveSpec]) -> [CurveSpec] {
        var merged: [CurveSpec] = []
        var index: [CurveSpec: Int] = [:]
        for curve in curves {
            var identity = curve
            identity.values = []
            if let position = index[identity] {
                merged[position].values = Array(Set(merged[position].values + curve.values)).sorted()
            } else {
                index[identity] = merged.count
                var first = curve
                first.values = Array(Set(curve.values)).sorted()
                merged.append(first)
            }
        }
        return merged
    }
}
