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

    /// Instructions retired in runs of consecutive slots, in order (for models whose
    /// `timesEachInstruction` is true; the same as retiring each in turn).
    mutating func retire(_ batch: RetiredBatch)

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
    public mutating func retire(_ batch: RetiredBatch) {
        var data = batch.dataAddresses
        for run in batch.runs {
            var instruction = run.instruction
            var pc = run.pc
            for index in 0..<run.count {
                let nextPC = index == run.count - 1 ? run.nextPC : pc &+ 4
                retire(instruction.pointee, pc: pc, nextPC: nextPC, dataAddress: data.pointee)
                instruction += 1
                pc &+= 4
                data += 1
            }
        }
    }
}

/// Instructions retired in consecutive slots of one code page: the instruction at `pc + 4 * i`
/// has the timing digest `instruction + i`, and each goes on to the next, except the last, which
/// went to `nextPC` (a branch's outcome).
public struct RetiredRun {
    /// The first instruction's digest (its decoded slot's). Digests at an address change only with
    /// `TimingDigestGeneration` moving on.
    public var instruction: UnsafePointer<TimedInstruction>
    /// The first instruction's address.
    public var pc: UInt64
    /// Instructions in the run (at least one).
    public var count: Int
    /// Where execution continued after the last one.
    public var nextPC: UInt64

    public init(instruction: UnsafePointer<TimedInstruction>, pc: UInt64, count: Int, nextPC: UInt64) {
        self.instruction = instruction
        self.pc = pc
        self.count = count
        self.nextPC = nextPC
    }
}

/// A batch of retired instructions as the executor reports it to a cycle model: runs in order, and
/// for every instruction of them, in the same order, the address it loaded from or stored to (0 if
/// none). Writing one word per instruction and one record per run is what keeps the executor's
/// side of timing cheap.
public struct RetiredBatch {
    public var runs: UnsafeBufferPointer<RetiredRun>
    public var dataAddresses: UnsafePointer<UInt64>

    public init(runs: UnsafeBufferPointer<RetiredRun>, dataAddresses: UnsafePointer<UInt64>) {
        self.runs = runs
        self.dataAddresses = dataAddresses
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

extension RetiredBatch {
    /// Calls `body` with a batch of the one instruction `instruction` at `pc` (for models that time
    /// batches, to retire a single instruction the same way).
    static func withOne<Result>(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64,
                                _ body: (RetiredBatch) -> Result) -> Result {
        withUnsafePointer(to: instruction) { pointer in
            var run = RetiredRun(instruction: pointer, pc: pc, count: 1, nextPC: nextPC)
            var data = dataAddress
            return withUnsafePointer(to: &run) { run in
                withUnsafePointer(to: &data) { body(RetiredBatch(runs: UnsafeBufferPointer(start: run, count: 1), dataAddresses: $0)) }
            }
        }
    }
}
