import A64

extension Machine {
    /// What the current timing mode has counted: for `.functional` one cycle per instruction
    /// since the machine was created; for `.profile(p)` the counts of p's model since it was
    /// created (functional runs in between add nothing to them).
    ///
    /// A measurement window is the difference of two snapshots, e.g. taken at two PC hooks.
    public var timingCounters: TimingCounters {
        switch timing {
        case .functional: return functionalModel.counters
        case .profile(let profile): return timingState.counters(for: profile) ?? TimingCounters()
        }
    }

    /// Returns the selected profile's branch predictor and caches to cold, for first-hit
    /// measurements; counters and architectural state are kept.
    public func resetMicroarchitecturalState() {
        timingState.inOrderModel?.resetMicroarchitecturalState()
        timingState.outOfOrderModel?.resetMicroarchitecturalState()
    }

    /// Drops the detailed model: the next timed run starts cold with counters at zero.
    public func discardTimingModel() {
        timingState.inOrderModel = nil
        timingState.outOfOrderModel = nil
    }

    /// Starts charging every executed block's counts to the symbol it lies in (or to the named
    /// region, for code outside every symbol).
    public func attributeTiming(to symbols: SymbolTable, regions: [(name: String, range: Range<UInt64>)] = []) {
        timingState.attribution = TimingAttribution(symbols: symbols, regions: regions)
    }

    /// Stops attribution (and forgets it).
    public func stopAttributingTiming() {
        timingState.attribution = nil
    }

    /// The per-symbol counts, when attribution is on.
    public var timingAttribution: TimingAttribution? { timingState.attribution }

    /// Runs with the detailed model of `profile`.
    func runTimed(profile: CPUProfile, instructionLimit: UInt64) -> StopReason {
        switch profile.pipeline {
        case .inOrder:
            var model = timingState.takeInOrderModel(for: profile)
            defer { timingState.inOrderModel = model }
            return run(model: &model, instructionLimit: instructionLimit)
        case .outOfOrder:
            var model = timingState.takeOutOfOrderModel(for: profile)
            defer { timingState.outOfOrderModel = model }
            return run(model: &model, instructionLimit: instructionLimit)
        }
    }
}
