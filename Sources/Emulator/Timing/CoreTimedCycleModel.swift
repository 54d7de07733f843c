/// A cycle model built on `MicroarchitectureCore` that times every instruction, in batches: what
/// the in-order and out-of-order models answer alike about their counts, single instructions and
/// cold state comes from the core.
protocol CoreTimedCycleModel: CycleModel {
    var core: MicroarchitectureCore { get set }
}

extension CoreTimedCycleModel {
    public static var timesEachInstruction: Bool { true }

    /// Never called: such a model is given every instruction.
    public mutating func retire(count: UInt64) {}

    public var cycles: UInt64 { core.counters.cycles }
    public var counters: TimingCounters { core.counters }

    /// Retires one instruction as a batch of one, the way the model times every other.
    public mutating func retire(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64) {
        RetiredBatch.withOne(instruction, pc: pc, nextPC: nextPC, dataAddress: dataAddress) { retire($0) }
    }

    public mutating func resetMicroarchitecturalState() {
        core.resetPredictorsAndCaches()
    }
}
