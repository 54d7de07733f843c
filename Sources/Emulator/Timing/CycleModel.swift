import A64

/// Turns the stream of retired instructions into cycles.
///
/// Timing lives beside the semantics: the executor tells the model what retired (the decoded
/// instruction, where, where control went next, which address it touched) and the model keeps
/// its own pipeline, predictor and cache state. The executor is generic over the model, so a
/// model's methods inline into the loop and the atomic model costs one addition.
public protocol CycleModel {
    /// Cycles elapsed since the model was created or last reset.
    var cycles: UInt64 { get }

    /// Whether the model must see every instruction through `retire(_:pc:nextPC:dataAddress:)`.
    /// A model that only counts (the atomic model) says false, and the executor reports runs of
    /// instructions with `retire(count:)` instead.
    static var timesEachInstruction: Bool { get }

    /// One instruction retired at `pc`; `nextPC` is where execution continues (branch outcome) and
    /// `dataAddress` the address it loaded from or stored to (0 if none).
    mutating func retire(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64)

    /// A run of instructions retired, in order (for models whose `timesEachInstruction` is true;
    /// the same as retiring each in turn).
    mutating func retire(_ batch: UnsafeBufferPointer<RetiredInstruction>)

    /// `count` instructions retired (only for models whose `timesEachInstruction` is false).
    mutating func retire(count: UInt64)

    /// An exception was taken to the vector at `vector`.
    mutating func exceptionTaken(from pc: UInt64, to vector: UInt64)

    /// Predictor and cache state return to cold (first-hit measurements).
    mutating func resetMicroarchitecturalState()

    /// Everything the model has counted so far.
    var counters: TimingCounters { get }
}

extension CycleModel {
    public mutating func retire(_ batch: UnsafeBufferPointer<RetiredInstruction>) {
        for entry in batch {
            retire(entry.instruction.pointee, pc: entry.pc, nextPC: entry.nextPC, dataAddress: entry.dataAddress)
        }
    }
}

/// One retired instruction as the executor reports it to a cycle model.
public struct RetiredInstruction {
    /// What the model needs of the instruction (its decoded slot's digest).
    public var instruction: UnsafePointer<TimedInstruction>
    public var pc: UInt64
    /// Where execution continued (the branch outcome).
    public var nextPC: UInt64
    /// The address loaded from or stored to (0 if none).
    public var dataAddress: UInt64

    public init(instruction: UnsafePointer<TimedInstruction>, pc: UInt64, nextPC: UInt64, dataAddress: UInt64) {
        self.instruction = instruction
        self.pc = pc
        self.nextPC = nextPC
        self.dataAddress = dataAddress
    }
}

/// One cycle per instruction: the functional fast-forward model.
public struct AtomicCycleModel: CycleModel {
    public private(set) var cycles: UInt64 = 0

    public init() {}

    public static var timesEachInstruction: Bool { false }

    @inline(__always)
    public mutating func retire(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64) {
        cycles &+= 1
    }

    @inline(__always)
    public mutating func retire(count: UInt64) {
        cycles &+= count
    }

    @inline(__always)
    public mutating func exceptionTaken(from pc: UInt64, to vector: UInt64) {}

    public mutating func resetMicroarchitecturalState() {}

    public var counters: TimingCounters {
        var counters = TimingCounters()
        counters.cycles = cycles
        counters.instructions = cycles
        return counters
    }
}
