/// What an instruction does, at the granularity the executor dispatches on.
///
/// Several encodings can share an operation (SUB immediate is ADD of the negated immediate; ADR,
/// ADRP, MOVZ and MOVN all load a constant), and one encoding can map to several operations
/// (UBFM becomes UBFX or UBFIZ), so each case of the executor does as little as possible.
public enum Operation: UInt8, Sendable, CaseIterable {
    case undefined

    // Constants and immediates
    case loadConstant       // rd ← imm (ADR, ADRP, MOVZ, MOVN)
    case moveKeep           // rd[amount+15:amount] ← imm (MOVK)
    case addImmediate       // rd ← rn + imm (ADD/SUB immediate)
    case addImmediateSetFlags
    case subImmediateSetFlags
    case andImmediate, orrImmediate, eorImmediate, andImmediateSetFlags
    case unsignedBitfieldExtract, unsignedBitfieldInsertZero // UBFM: amount = lsb, size = width
    case signedBitfieldExtract, signedBitfieldInsertZero     // SBFM
    case bitfieldExtractInsert, bitfieldInsert               // BFM: BFXIL, BFI
    case extract            // EXTR: amount = lsb

    // Register data processing
    case moveRegister       // ORR rd, zr, rm (the MOV alias, the commonest instruction)
    case andShifted, bicShifted, orrShifted, ornShifted, eorShifted, eonShifted
    case andShiftedSetFlags, bicShiftedSetFlags
    case addShifted, addShiftedSetFlags, subShifted, subShiftedSetFlags
    case addExtended, addExtendedSetFlags, subExtended, subExtendedSetFlags
    case addWithCarry, addWithCarrySetFlags, subWithCarry, subWithCarrySetFlags
    case conditionalCompare, conditionalCompareNegative
    case conditionalSelect, conditionalSelectIncrement, conditionalSelectInvert, conditionalSelectNegate
    case reverseBits, reverseBytes16, reverseBytes32, reverseBytes, countLeadingZeros, countLeadingSignBits
    case unsignedDivide, signedDivide
    case shiftLeftVariable, shiftRightVariable, shiftRightArithmeticVariable, rotateRightVariable
    case multiplyAdd, multiplySubtract
    case signedMultiplyAddLong, signedMultiplySubtractLong, unsignedMultiplyAddLong, unsignedMultiplySubtractLong
    case signedMultiplyHigh, unsignedMultiplyHigh

    // Loads and stores: size = bytes; flags say signed/writeback/post-index
    case load               // [rn + imm]
    case store
    case loadRegisterOffset // [rn + extend(rm) << amount], option = extend
    case storeRegisterOffset
    case loadLiteral        // [imm]
    case loadPair, storePair
    case loadExclusive, storeExclusive, loadExclusivePair, storeExclusivePair
    case loadAcquire, storeRelease
    case prefetch

    // Branches: imm = absolute target
    case branch, branchLink, branchConditional
    case compareBranchZero, compareBranchNonZero, testBranchZero, testBranchNonZero
    case branchRegister, branchLinkRegister, returnFromSubroutine, exceptionReturn

    // Exceptions and system
    case supervisorCall, breakpoint, halt
    case hint, waitForInterrupt, waitForEvent
    case clearExclusive, dataSynchronizationBarrier, dataMemoryBarrier, instructionSynchronizationBarrier
    case moveToProcessState // MSR (immediate): option = PSTATEField, imm = value
    case readSystemRegister, writeSystemRegister // imm = SystemRegister raw value
    case cacheMaintenance   // option = CacheOperation, rn = address register
    case zeroCacheBlock     // DC ZVA

    /// Whether the operation writes NZCV (the flag-setting forms, and the conditional compares).
    @inlinable
    public var setsFlags: Bool {
        switch self {
        case .addImmediateSetFlags, .subImmediateSetFlags, .andImmediateSetFlags, .andShiftedSetFlags,
             .bicShiftedSetFlags, .addShiftedSetFlags, .subShiftedSetFlags, .addExtendedSetFlags, .subExtendedSetFlags,
             .addWithCarrySetFlags, .subWithCarrySetFlags, .conditionalCompare, .conditionalCompareNegative:
            return true
        default:
            return false
        }
    }

    /// Whether the operation can change the PC other than by falling through, or stops the block
    /// for an architectural reason (exceptions, PSTATE changes, context synchronisation, halting).
    @inlinable
    public var endsBlock: Bool {
        switch self {
        case .undefined, .branch, .branchLink, .branchConditional, .compareBranchZero, .compareBranchNonZero,
             .testBranchZero, .testBranchNonZero, .branchRegister, .branchLinkRegister, .returnFromSubroutine,
             .exceptionReturn, .supervisorCall, .breakpoint, .halt, .moveToProcessState, .writeSystemRegister,
             .instructionSynchronizationBarrier, .waitForInterrupt, .waitForEvent:
            return true
        default:
            return false
        }
    }
}

/// The shift applied to a register operand (`option` of shifted-register operations).
public enum ShiftType: UInt8, Sendable, CaseIterable {
    case lsl, lsr, asr, ror
}

/// The extension applied to a register operand (`option` of extended-register operations).
public enum ExtendType: UInt8, Sendable, CaseIterable {
    case uxtb, uxth, uxtw, uxtx, sxtb, sxth, sxtw, sxtx
}

/// The PSTATE field an MSR (immediate) writes.
public enum PSTATEField: UInt8, Sendable {
    case spsel, daifSet, daifClear
}

/// The cache maintenance operation of a SYS instruction.
public enum CacheOperation: UInt8, Sendable, CaseIterable {
    case icIallUIS, icIallU, icIvaU
    case dcIvaC, dcIsw, dcCsw, dcCisw, dcCvaC, dcCvaU, dcCivaC
}

/// The kind of DSB or DMB (the CRm field): only the domain differs on a single core.
public enum BarrierOption {
    /// `CRm` for a DSB that is really SSBB (0b0000) or PSSBB (0b0100).
    public static let speculativeStoreBypass: UInt8 = 0b0000
    public static let physicalSpeculativeStoreBypass: UInt8 = 0b0100
}
