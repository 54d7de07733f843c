import A64

/// What the cycle models need to know about one instruction, worked out once when its slot is
/// decoded rather than on every retirement: the timing class, the registers it reads (with the
/// forwarding row of each operand role) and writes, the bytes it accesses and its cache operation.
///
/// Absent operands point at scoreboard slots that make the models' per-instruction work
/// branch-free: sources at `RegisterUse.slotCount` (never written, so always ready at cycle 0),
/// results at `RegisterUse.slotCount + 1` (written, never read).
public struct TimedInstruction: Sendable, Equatable {
    /// The scoreboard slot absent sources read: always ready.
    public static let noSource = UInt8(RegisterUse.slotCount)
    /// The scoreboard slot absent results write: never read.
    public static let noResult = UInt8(RegisterUse.slotCount + 1)
    /// Scoreboard slots a model allocates to use these.
    public static let scoreboardSlots = RegisterUse.slotCount + 2

    /// Source slots (`noSource` past `sourceCount`).
    public var source0: UInt8, source1: UInt8, source2: UInt8, source3: UInt8
    /// `OperandRole.rawValue * 3` for each source: the row of the forwarding table.
    public var row0: UInt8, row1: UInt8, row2: UInt8, row3: UInt8
    /// The primary result, second result and written-back base (`noResult` if none).
    public var result: UInt8, secondResult: UInt8, writtenBase: UInt8
    /// Whether NZCV is written.
    public var writesFlags: Bool
    /// `RegisterUse.flags` when NZCV is written, else `noResult`.
    public var flagsResult: UInt8
    /// The timing class.
    public var timingClass: TimingClass
    /// Bytes a memory access touches (both registers of a pair), at least 1 for memory classes.
    public var accessBytes: UInt8
    /// The cache maintenance the data/instruction cache models must apply.
    public var cacheOperation: CacheEffect
    /// Which results exist, as bits: `1` a primary result, `2` a second result, `4` a written-back
    /// base. Bits 1–2 select the class's in-order writeback span (`PackedClassCost.writebackFirst`).
    public var resultShape: UInt8
    /// Whether a primary result, a second result or a written-back base exists.
    public var hasResult: Bool { resultShape & 1 != 0 }
    public var hasSecondResult: Bool { resultShape & 2 != 0 }
    public var hasWrittenBase: Bool { resultShape & 4 != 0 }
    /// The operand roles of the sources, as bits `1 << OperandRole.rawValue` (a model skips its
    /// forwarding table when none of them has a forwarding path).
    public var sourceRoles: UInt16
    /// Whether any result besides the primary one is written: a second result, a written-back
    /// base or NZCV (most instructions write none, and a model then skips those scoreboard writes).
    public var writesFurtherResults: Bool

    /// Whether a third or fourth source is read (most instructions read at most two, and a model
    /// then skips those scoreboard reads).
    public var readsThirdSource: Bool

    /// The cache model effect of a maintenance instruction.
    public enum CacheEffect: UInt8, Sendable {
        case none
        /// DC by VA (not DC ZVA): the data cache line is invalidated.
        case dataInvalidateLine
        /// IC IVAU: the instruction cache line is invalidated.
        case instructionInvalidateLine
        /// IC IALLU / IALLUIS: the instruction cache is emptied.
        case instructionInvalidateAll
    }

    public init(_ instruction: Instruction) {
        let timing = instruction.timingClass
        let use = instruction.registerUse
        var roles: UInt16 = 0
        func source(_ index: Int) -> (UInt8, UInt8) {
            guard index < use.sourceCount else { return (Self.noSource, 0) }
            let (slot, role) = use.source(index)
            roles |= 1 << UInt16(role.rawValue)
            return (slot, role.rawValue * 3)
        }
        (source0, row0) = source(0)
        (source1, row1) = source(1)
        (source2, row2) = source(2)
        (source3, row3) = source(3)
        sourceRoles = roles
        readsThirdSource = use.sourceCount > 2
        let hasResult = use.result != RegisterUse.none
        let hasSecondResult = use.secondResult != RegisterUse.none
        let hasWrittenBase = use.writtenBase != RegisterUse.none
        resultShape = (hasResult ? 1 : 0) | (hasSecondResult ? 2 : 0) | (hasWrittenBase ? 4 : 0)
        result = hasResult ? use.result : Self.noResult
        secondResult = hasSecondResult ? use.secondResult : Self.noResult
        writtenBase = hasWrittenBase ? use.writtenBase : Self.noResult
        writesFlags = use.writesFlags
        flagsResult = use.writesFlags ? RegisterUse.flags : Self.noResult
        writesFurtherResults = hasSecondResult || hasWrittenBase || writesFlags
        timingClass = timing
        if timing.accessesMemory {
            let pair: Bool
            switch timing {
            case .loadPair, .loadPairWord, .loadPairWriteback, .storePair, .storePairWord, .storePairWriteback: pair = true
            default: pair = false
            }
            accessBytes = UInt8(max(Int(instruction.size) * (pair ? 2 : 1), 1))
        } else {
            accessBytes = 0
        }
        if timing == .dataCacheMaintenance && instruction.operation == .cacheMaintenance {
            cacheOperation = .dataInvalidateLine
        } else if timing == .instructionCacheMaintenance {
            cacheOperation = instruction.option == CacheOperation.icIvaU.rawValue ? .instructionInvalidateLine
                : .instructionInvalidateAll
        } else {
            cacheOperation = .none
        }
    }
}
