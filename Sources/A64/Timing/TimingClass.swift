/// How an instruction behaves in a pipeline: the unit of every cycle model's cost tables.
///
/// Classes follow the distinctions that published scheduling models make (LLVM's AArch64
/// scheduling models and Arm's software optimization guides group instructions the same way):
/// a plain ALU operation, one whose second operand is shifted cheaply (LSL by 1–4, which some
/// cores do in a single cycle) or expensively, extended operands, bitfield moves, multiplies by
/// width, divides, every load and store addressing form that changes the micro-op count, each
/// kind of branch, and the system instructions whose cost comes from Arm's guides.
public enum TimingClass: UInt8, CaseIterable, Sendable {
    // Integer data processing
    /// ADD/SUB/logical with an immediate or an unshifted register, MOV, MOVZ/MOVK, ADR/ADRP,
    /// conditional select and compare, ADC/SBC, CLZ/CLS/RBIT/REV.
    case aluBasic
    /// ADD/SUB (flag-setting or not) with the second operand shifted LSL #1–#4.
    case aluShiftedCheap
    /// ADD/SUB with the second operand shifted LSR/ASR, or LSL by more than 4.
    case aluShiftedExpensive
    /// AND/BIC/ORR/ORN/EOR/EON with a shifted second operand.
    case logicalShifted
    /// ANDS/BICS with a shifted second operand.
    case logicalShiftedSetFlags
    /// ADD/SUB with an extended register operand.
    case aluExtended
    /// UBFM/SBFM: UBFX, SBFX, LSL/LSR/ASR immediate, UXTB and friends.
    case bitfield
    /// BFM: BFI, BFXIL (reads the destination).
    case bitfieldInsert
    /// LSLV/LSRV/ASRV/RORV.
    case variableShift
    /// EXTR with two different sources.
    case extract
    /// EXTR with both sources equal: the ROR-immediate idiom.
    case rotateImmediate
    /// MUL/MADD/MSUB on W registers.
    case multiply32
    /// MUL/MADD/MSUB on X registers.
    case multiply64
    /// SMADDL/UMADDL/SMSUBL/UMSUBL (32×32 + 64).
    case multiplyLong
    /// SMULH/UMULH.
    case multiplyHigh
    /// UDIV/SDIV on W registers.
    case divide32
    /// UDIV/SDIV on X registers.
    case divide64

    // Loads and stores
    /// LDR/LDUR with an immediate offset, literal loads, load-acquire.
    case load
    /// LDR with a register offset (extended and/or scaled).
    case loadRegisterOffset
    /// LDR with pre- or post-index writeback.
    case loadWriteback
    /// LDP of two X registers (or LDPSW).
    case loadPair
    /// LDP of two W registers.
    case loadPairWord
    /// LDP with pre- or post-index writeback.
    case loadPairWriteback
    /// LDXR/LDAXR/LDXP/LDAXP.
    case loadExclusive
    /// STR/STUR with an immediate offset, store-release.
    case store
    /// STR with a register offset.
    case storeRegisterOffset
    /// STR with pre- or post-index writeback.
    case storeWriteback
    /// STP of two X registers.
    case storePair
    /// STP of two W registers.
    case storePairWord
    /// STP with pre- or post-index writeback.
    case storePairWriteback
    /// STXR/STLXR/STXP/STLXP.
    case storeExclusive
    /// PRFM.
    case prefetch

    // Branches
    /// B.
    case branch
    /// B.cond.
    case branchConditional
    /// CBZ/CBNZ/TBZ/TBNZ.
    case compareAndBranch
    /// BR.
    case branchIndirect
    /// BL.
    case call
    /// BLR.
    case callIndirect
    /// RET.
    case functionReturn

    // System
    /// NOP, YIELD, BTI, PACIASP/AUTIASP (as NOPs), CLREX, other hints.
    case hint
    /// DMB.
    case dataMemoryBarrier
    /// DSB.
    case dataSynchronizationBarrier
    /// ISB.
    case instructionSynchronizationBarrier
    /// MRS.
    case systemRegisterRead
    /// MSR (register) and MSR (immediate: DAIFSet, DAIFClr, SPSel).
    case systemRegisterWrite
    /// DC CVAU, DC CIVAC, DC ZVA and the other data cache operations.
    case dataCacheMaintenance
    /// IC IVAU, IC IALLU, IC IALLUIS.
    case instructionCacheMaintenance
    /// SVC, BRK, HLT: the instruction that raises the exception (entry is costed separately).
    case exceptionGenerating
    /// ERET.
    case exceptionReturn
    /// WFI, WFE.
    case waitForEvent
    /// UNDEFINED: an encoding outside the table (it raises an exception).
    case undefined

    /// Whether the class belongs to the integer execution pipelines, whose results the in-order
    /// cores forward to dependent integer operations early.
    @inlinable
    public var isIntegerExecute: Bool { rawValue <= TimingClass.divide64.rawValue }

    /// Whether the class is a multiply (the accumulator forwarding path of some cores).
    @inlinable
    public var isMultiply: Bool {
        rawValue >= TimingClass.multiply32.rawValue && rawValue <= TimingClass.multiplyHigh.rawValue
    }

    /// Whether the class accesses data memory (for the data cache).
    @inlinable
    public var accessesMemory: Bool {
        rawValue >= TimingClass.load.rawValue && rawValue <= TimingClass.prefetch.rawValue
    }

    /// Whether the class is a load (its result waits for the data cache).
    @inlinable
    public var isLoad: Bool {
        rawValue >= TimingClass.load.rawValue && rawValue <= TimingClass.loadExclusive.rawValue
    }

    /// Whether the class is a branch the predictor sees.
    @inlinable
    public var isBranch: Bool {
        rawValue >= TimingClass.branch.rawValue && rawValue <= TimingClass.functionReturn.rawValue
    }
}

extension Instruction {
    /// This instruction's timing class, derived from its operation, operands and table row.
    @inlinable
    public var timingClass: TimingClass {
        switch operation {
        case .undefined:
            return .undefined
        case .loadConstant, .moveKeep, .addImmediate, .addImmediateSetFlags, .subImmediateSetFlags,
             .andImmediate, .orrImmediate, .eorImmediate, .andImmediateSetFlags, .moveRegister,
             .addWithCarry, .addWithCarrySetFlags, .subWithCarry, .subWithCarrySetFlags,
             .conditionalCompare, .conditionalCompareNegative, .conditionalSelect,
             .conditionalSelectIncrement, .conditionalSelectInvert, .conditionalSelectNegate,
             .reverseBits, .reverseBytes16, .reverseBytes32, .reverseBytes, .countLeadingZeros,
             .countLeadingSignBits:
            return .aluBasic
        case .addShifted, .addShiftedSetFlags, .subShifted, .subShiftedSetFlags:
            if amount == 0 { return .aluBasic }
            return option == ShiftType.lsl.rawValue && amount <= 4 ? .aluShiftedCheap : .aluShiftedExpensive
        case .andShifted, .bicShifted, .orrShifted, .ornShifted, .eorShifted, .eonShifted:
            return amount == 0 ? .aluBasic : .logicalShifted
        case .andShiftedSetFlags, .bicShiftedSetFlags:
            return amount == 0 ? .aluBasic : .logicalShiftedSetFlags
        case .addExtended, .addExtendedSetFlags, .subExtended, .subExtendedSetFlags:
            return .aluExtended
        case .unsignedBitfieldExtract, .unsignedBitfieldInsertZero, .signedBitfieldExtract, .signedBitfieldInsertZero:
            return .bitfield
        case .bitfieldExtractInsert, .bitfieldInsert:
            return .bitfieldInsert
        case .extract:
            return rn == rm ? .rotateImmediate : .extract
        case .shiftLeftVariable, .shiftRightVariable, .shiftRightArithmeticVariable, .rotateRightVariable:
            return .variableShift
        case .multiplyAdd, .multiplySubtract:
            return is64 ? .multiply64 : .multiply32
        case .signedMultiplyAddLong, .signedMultiplySubtractLong, .unsignedMultiplyAddLong,
             .unsignedMultiplySubtractLong:
            return .multiplyLong
        case .signedMultiplyHigh, .unsignedMultiplyHigh:
            return .multiplyHigh
        case .unsignedDivide, .signedDivide:
            return is64 ? .divide64 : .divide32
        case .load, .loadLiteral, .loadAcquire:
            return flags.contains(.writeback) ? .loadWriteback : .load
        case .loadRegisterOffset:
            return .loadRegisterOffset
        case .loadPair:
            if flags.contains(.writeback) { return .loadPairWriteback }
            return size == 4 && !flags.contains(.signed) ? .loadPairWord : .loadPair
        case .loadExclusive, .loadExclusivePair:
            return .loadExclusive
        case .store, .storeRelease:
            return flags.contains(.writeback) ? .storeWriteback : .store
        case .storeRegisterOffset:
            return .storeRegisterOffset
        case .storePair:
            if flags.contains(.writeback) { return .storePairWriteback }
            return size == 4 ? .storePairWord : .storePair
        case .storeExclusive, .storeExclusivePair:
            return .storeExclusive
        case .prefetch:
            return .prefetch
        case .branch:
            return .branch
        case .branchConditional:
            return .branchConditional
        case .compareBranchZero, .compareBranchNonZero, .testBranchZero, .testBranchNonZero:
            return .compareAndBranch
        case .branchRegister:
            return .branchIndirect
        case .branchLink:
            return .call
        case .branchLinkRegister:
            return .callIndirect
        case .returnFromSubroutine:
            return .functionReturn
        case .exceptionReturn:
            return .exceptionReturn
        case .supervisorCall, .breakpoint, .halt:
            return .exceptionGenerating
        case .hint, .clearExclusive:
            return .hint
        case .waitForInterrupt, .waitForEvent:
            return .waitForEvent
        case .dataMemoryBarrier:
            return .dataMemoryBarrier
        case .dataSynchronizationBarrier:
            return .dataSynchronizationBarrier
        case .instructionSynchronizationBarrier:
            return .instructionSynchronizationBarrier
        case .moveToProcessState, .writeSystemRegister:
            return .systemRegisterWrite
        case .readSystemRegister:
            return .systemRegisterRead
        case .cacheMaintenance:
            switch CacheOperation(rawValue: option) {
            case .icIallUIS, .icIallU, .icIvaU: return .instructionCacheMaintenance
            default: return .dataCacheMaintenance
            }
        case .zeroCacheBlock:
            return .dataCacheMaintenance
        }
    }
}
