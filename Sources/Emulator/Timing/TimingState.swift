/// The machine's cycle-model state beyond the functional model: the detailed model of the
/// selected profile (kept across runs, so predictors and caches stay warm) and attribution.
struct TimingState {
    var inOrderModel: InOrderCycleModel?
    var outOfOrderModel: OutOfOrderCycleModel?
    var attribution: TimingAttribution?

    /// No cycle model and no attribution yet.
    var isEmpty: Bool { inOrderModel == nil && outOfOrderModel == nil && attribution == nil }

    /// The in-order model for `profile`, created cold if there is none for it yet.
    mutating func takeInOrderModel(for profile: CPUProfile) -> InOrderCycleModel {
        if let model = inOrderModel, model.core.profileName == profile.name {
            inOrderModel = nil
            return model
        }
        inOrderModel = nil
        outOfOrderModel = nil
        return InOrderCycleModel(profile: profile)
    }

    /// The out-of-order model for `profile`, created cold if there is none for it yet.
    mutating func takeOutOfOrderModel(for profile: CPUProfile) -> OutOfOrderCycleModel {
        if let model = outOfOrderModel, model.core.profileName == profile.name {
            outOfOrderModel = nil
            return model
        }
        inOrderModel = nil
        outOfOrderModel = nil
        return OutOfOrderCycleModel(profile: profile)
    }

    /// The counters of the detailed model for `profile`, if one exists.
    func counters(for profile: CPUProfile) -> TimingCounters? {
        if let model = inOrderModel, model.core.profileName == profile.name { return model.counters }
        if let model = outOfOrderModel, model.core.profileName == profile.name { return model.counters }
        return nil
    }
}
