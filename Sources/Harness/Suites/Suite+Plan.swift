import GuestKernel

extension SweepSpec {
    /// The scenario whose result publishes this sweep's walks (for `none`, the baseline reported as a scenario).
    public var scenario: ScenarioSpec {
        ScenarioSpec(mechanism: mechanism, handler: handler, workload: workload, cpu: cpu, alongside: alongside)
    }
}

extension CurveSpec {
    /// The ids of the curves a run reports for this spec: one per quantity its parameter measures.
    public var reportedCurveIDs: [String] {
        parameter.quantities.map {
            ScalingCurve.id(parameter: parameter, quantity: $0, mechanism: mechanism.rawValue, handler: handler.rawValue,
                            workload: workload.rawValue, cpu: cpu)
        }
    }
}

extension Suite {
    /// The scenarios a run of this suite reports, each once: every scenario it measures (a sweep's
    /// own scenario included, which `resolve` adds when the suite does not list it), then `none` on
    /// the workload and CPU of each `none` IRQ sweep, published from its baseline to carry the walks.
    /// `SuiteRunner` publishes exactly these (bar failures); `bench list` counts them.
    public var reportedScenarios: [ScenarioSpec] {
        Self.unique(scenarios + sweeps.filter { $0.mechanism == .none }.map(\.scenario))
    }

    /// The ids of the curves a run of this suite reports: each curve spec gives one curve per
    /// quantity its parameter measures (two for attached functions: attach cycles and entry overhead).
    public var reportedCurveIDs: [String] {
        curves.flatMap(\.reportedCurveIDs)
    }
}
