import A64

/// The executor's form of a decoded instruction: one of a small set of specialised kinds for the
/// instructions kernel code executes most (each a few host instructions on its fast path), with
/// every other instruction, and every case a fast path does not cover (a misaligned or
/// translation-missing access, a misaligned SP), executed by the general executor from the
/// `Instruction` itself. Semantics live in one place: a fast kind computes exactly what the general
/// executor computes for that instruction, or hands the instruction to it.
struct MicroOp {
    var kind: MicroKind
    var rd: UInt8
    var rn: UInt8
    /// Rm, or Rt2 of a pair.
    var rm: UInt8
    /// By kind: a shift amount or lsb; the NZCV a failed CCMP sets (bits 31:28 >> 28); the bit TBZ
    /// tests; for memory kinds 15 when the base is SP (SP alignment check), else 0.
    var aux8: UInt8
    /// Ra of a multiply-add.
    var ra: UInt8
    /// For conditional kinds, bit n is set when the condition holds for NZCV = n.
    var conditionMask: UInt16
    /// Immediate, offset, bit-field mask or absolute target address.
    var imm: UInt64

    static let undecoded = MicroOp(kind: .undecoded, rd: 0, rn: 0, rm: 0, aux8: 0, ra: 0, conditionMask: 0, imm: 0)

    init(kind: MicroKind, rd: UInt8 = 0, rn: UInt8 = 0, rm: UInt8 = 0, aux8: UInt8 = 0, ra: UInt8 = 0,
         conditionMask: UInt16 = 0, imm: UInt64 = 0) {
        self.kind = kind
        self.rd = rd
        self.rn = rn
        self.rm = rm
        self.aux8 = aux8
        self.ra = ra
        self.conditionMask = conditionMask
        self.imm = imm
    }

    /// The NZCV values (as bit positions 0–15 for bits 31:28) for which `condition` holds.
    static func conditionMask(_ condition: UInt8) -> UInt16 {
        var mask: UInt16 = 0
        for nzcv in 0..<16 where Condition.holds(condition, nzcv: UInt32(nzcv) << 28) { mask |= 1 << UInt16(nzcv) }
        return mask
    }

    /// The executor's form of `inst`.
    static func translate(_ inst: Instruction) -> MicroOp {
        let is64 = inst.is64
        let sp = RegisterSlot.stackPointer
        let generic = MicroOp(kind: .generic)
        let f = inst.flags
        /// 15 for SP-based accesses: the fast path hands a misaligned SP to the general executor.
        let spCheck: UInt8 = inst.rn == sp ? 15 : 0

        switch inst.operation {
        case .undefined:
            return generic
        case .hint:
            return MicroOp(kind: .nop)
        case .loadConstant:
            return MicroOp(kind: .moveConstant, rd: inst.rd, imm: inst.imm)
        case .moveRegister:
            return MicroOp(kind: is64 ? .moveRegister64 : .moveRegister32, rd: inst.rd, rm: inst.rm)
        case .addImmediate:
            if inst.rd == sp { return is64 ? MicroOp(kind: .addImmediateToSP, rd: inst.rd, rn: inst.rn, imm: inst.imm) : generic }
            return MicroOp(kind: is64 ? .addImmediate64 : .addImmediate32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .addImmediateSetFlags:
            return MicroOp(kind: is64 ? .addImmediateSetFlags64 : .addImmediateSetFlags32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .subImmediateSetFlags:
            return MicroOp(kind: is64 ? .subImmediateSetFlags64 : .subImmediateSetFlags32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .andImmediate:
            guard inst.rd != sp else { return generic }
            return MicroOp(kind: .andImmediate, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .orrImmediate:
            guard inst.rd != sp else { return generic }
            return MicroOp(kind: is64 ? .orrImmediate64 : .orrImmediate32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .eorImmediate:
            guard inst.rd != sp else { return generic }
            return MicroOp(kind: is64 ? .eorImmediate64 : .eorImmediate32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .andImmediateSetFlags:
            return MicroOp(kind: is64 ? .andImmediateSetFlags64 : .andImmediateSetFlags32, rd: inst.rd, rn: inst.rn, imm: inst.imm)
        case .unsignedBitfieldExtract:
            return MicroOp(kind: .unsignedBitfieldExtract, rd: inst.rd, rn: inst.rn, aux8: inst.amount,
                           imm: BitMasks.ones(Int(inst.size)))
        case .unsignedBitfieldInsertZero:
            // (x & ones(width)) << lsb stays within the register width (lsb + width <= register width).
            return MicroOp(kind: .unsignedBitfieldInsertZero, rd: inst.rd, rn: inst.rn, aux8: inst.amount,
                           imm: BitMasks.ones(Int(inst.size)))

        case .addShifted, .subShifted, .addShiftedSetFlags, .subShiftedSetFlags, .andShifted, .orrShifted, .eorShifted,
             .andShiftedSetFlags:
            guard inst.option == ShiftType.lsl.rawValue else { return generic }
            let kind: MicroKind
            switch (inst.operation, is64) {
            case (.addShifted, true): kind = .addShifted64
            case (.addShifted, false): kind = .addShifted32
            case (.subShifted, true): kind = .subShifted64
            case (.subShifted, false): kind = .subShifted32
            case (.addShiftedSetFlags, true): kind = .addShiftedSetFlags64
            case (.addShiftedSetFlags, false): kind = .addShiftedSetFlags32
            case (.subShiftedSetFlags, true): kind = .subShiftedSetFlags64
            case (.subShiftedSetFlags, false): kind = .subShiftedSetFlags32
            case (.andShifted, true): kind = .andShifted64
            case (.orrShifted, true): kind = .orrShifted64
            case (.orrShifted, false): kind = .orrShifted32
            case (.eorShifted, true): kind = .eorShifted64
            case (.andShiftedSetFlags, true): kind = .andShiftedSetFlags64
            case (.andShiftedSetFlags, false): kind = .andShiftedSetFlags32
            default: return generic
            }
            return MicroOp(kind: kind, rd: inst.rd, rn: inst.rn, rm: inst.rm, aux8: inst.amount)

        case .conditionalCompare:
            let kind: MicroKind
            if f.contains(.immediateOperand) {
                kind = is64 ? .conditionalCompareImmediate64 : .conditionalCompareImmediate32
            } else {
                kind = is64 ? .conditionalCompareRegister64 : .conditionalCompareRegister32
            }
            return MicroOp(kind: kind, rn: inst.rn, rm: inst.rm, aux8: inst.amount,
                           conditionMask: conditionMask(inst.option), imm: inst.imm)
        case .conditionalSelect:
            return MicroOp(kind: is64 ? .conditionalSelect64 : .conditionalSelect32, rd: inst.rd, rn: inst.rn, rm: inst.rm,
                           conditionMask: conditionMask(inst.option))
        case .conditionalSelectIncrement:
            return MicroOp(kind: is64 ? .conditionalSelectIncrement64 : .conditionalSelectIncrement32, rd: inst.rd,
                           rn: inst.rn, rm: inst.rm, conditionMask: conditionMask(inst.option))
        case .multiplyAdd:
            return MicroOp(kind: is64 ? .multiplyAdd64 : .multiplyAdd32, rd: inst.rd, rn: inst.rn, rm: inst.rm, ra: inst.ra)
        case .moveKeep:
            guard is64 else { return generic }
            return MicroOp(kind: .moveKeep64, rd: inst.rd, rn: inst.rn, aux8: inst.amount, imm: inst.imm)
        case .shiftLeftVariable:
            guard is64 else { return generic }
            return MicroOp(kind: .shiftLeftVariable64, rd: inst.rd, rn: inst.rn, rm: inst.rm)
        case .addExtended:
            guard is64, inst.rd != sp else { return generic }
            // ra carries the extend type, aux8 the shift.
            return MicroOp(kind: .addExtended64, rd: inst.rd, rn: inst.rn, rm: inst.rm, aux8: inst.amount, ra: inst.option)
        case .loadRegisterOffset:
            guard !f.contains(.signed), inst.size == 8 || inst.size == 4 else { return generic }
            // ra carries the extend type, aux8 the shift; the SP check is made on the base in the kind.
            return MicroOp(kind: inst.size == 8 ? .loadRegisterOffset64 : .loadRegisterOffset32, rd: inst.rd, rn: inst.rn,
                           rm: inst.rm, aux8: inst.amount, ra: inst.option, conditionMask: UInt16(spCheck))

        // Loads and stores: plain unsigned/unscaled offsets, pre/post-index of X registers, literals.
        case .load:
            guard !f.contains(.unprivileged) else { return generic }
            if f.contains(.writeback) {
                guard inst.size == 8, !f.contains(.signed) else { return generic }
                return MicroOp(kind: f.contains(.postIndex) ? .loadPostIndex64 : .loadPreIndex64, rd: inst.rd, rn: inst.rn,
                               aux8: spCheck, imm: inst.imm)
            }
            let kind: MicroKind
            switch (inst.size, f.contains(.signed), is64) {
            case (8, false, _): kind = .load64
            case (4, false, _): kind = .load32
            case (2, false, _): kind = .load16
            case (1, false, _): kind = .load8
            case (4, true, true): kind = .loadSigned32To64
            default: return generic
            }
            return MicroOp(kind: kind, rd: inst.rd, rn: inst.rn, aux8: spCheck, imm: inst.imm)
        case .loadLiteral:
            guard !f.contains(.signed) else { return generic }
            return MicroOp(kind: inst.size == 8 ? .loadLiteral64 : .loadLiteral32, rd: inst.rd, imm: inst.imm)
        case .store:
            guard !f.contains(.unprivileged) else { return generic }
            if f.contains(.writeback) {
                guard inst.size == 8 else { return generic }
                return MicroOp(kind: f.contains(.postIndex) ? .storePostIndex64 : .storePreIndex64, rd: inst.rd, rn: inst.rn,
                               aux8: spCheck, imm: inst.imm)
            }
            let kind: MicroKind
            switch inst.size {
            case 8: kind = .store64
            case 4: kind = .store32
            case 2: kind = .store16
            default: kind = .store8
            }
            return MicroOp(kind: kind, rd: inst.rd, rn: inst.rn, aux8: spCheck, imm: inst.imm)
        case .loadPair:
            guard !f.contains(.signed) else { return generic }
            let kind: MicroKind
            switch (inst.size, f.contains(.writeback), f.contains(.postIndex)) {
            case (8, false, _): kind = .loadPair64
            case (8, true, false): kind = .loadPairPreIndex64
            case (8, true, true): kind = .loadPairPostIndex64
            case (4, false, _): kind = .loadPair32
            default: return generic
            }
            return MicroOp(kind: kind, rd: inst.rd, rn: inst.rn, rm: inst.ra, aux8: spCheck, imm: inst.imm)
        case .storePair:
            let kind: MicroKind
            switch (inst.size, f.contains(.writeback), f.contains(.postIndex)) {
            case (8, false, _): kind = .storePair64
            case (8, true, false): kind = .storePairPreIndex64
            case (8, true, true): kind = .storePairPostIndex64
            case (4, false, _): kind = .storePair32
            default: return generic
            }
            return MicroOp(kind: kind, rd: inst.rd, rn: inst.rn, rm: inst.ra, aux8: spCheck, imm: inst.imm)

        // Branches
        case .branch:
            return MicroOp(kind: .branch, imm: inst.imm)
        case .branchLink:
            return MicroOp(kind: .branchLink, imm: inst.imm)
        case .branchConditional:
            return MicroOp(kind: .branchConditional, conditionMask: conditionMask(inst.option), imm: inst.imm)
        case .compareBranchZero:
            return MicroOp(kind: is64 ? .compareBranchZero64 : .compareBranchZero32, rn: inst.rn, imm: inst.imm)
        case .compareBranchNonZero:
            return MicroOp(kind: is64 ? .compareBranchNonZero64 : .compareBranchNonZero32, rn: inst.rn, imm: inst.imm)
        case .testBranchZero:
            return MicroOp(kind: .testBranchZero, rn: inst.rn, aux8: inst.amount, imm: inst.imm)
        case .testBranchNonZero:
            return MicroOp(kind: .testBranchNonZero, rn: inst.rn, aux8: inst.amount, imm: inst.imm)
        case .branchRegister:
            return MicroOp(kind: .branchRegister, rn: inst.rn)
        case .branchLinkRegister:
            return MicroOp(kind: .branchLinkRegister, rn: inst.rn)
        case .returnFromSubroutine:
            return MicroOp(kind: .returnFromSubroutine, rn: inst.rn)

        default:
            return generic
        }
    }
}

/// The specialised instruction kinds of `MicroOp` (suffix 64 or 32: the operand width).
enum MicroKind: UInt8 {
    /// The slot has not been decoded (or was invalidated by a write): decode it, then dispatch.
    case undecoded
    /// Executed by the general executor.
    case generic
    case nop
    case moveConstant, moveRegister64, moveRegister32
    case addImmediate64, addImmediate32, addImmediateToSP
    case addImmediateSetFlags64, addImmediateSetFlags32, subImmediateSetFlags64, subImmediateSetFlags32
    case andImmediate, orrImmediate64, orrImmediate32, eorImmediate64, eorImmediate32
    case andImmediateSetFlags64, andImmediateSetFlags32
    case unsignedBitfieldExtract, unsignedBitfieldInsertZero
    /// Shifted-register forms with LSL (amount in `aux8`, 0 for the plain register form).
    case addShifted64, addShifted32, subShifted64, subShifted32
    case addShiftedSetFlags64, addShiftedSetFlags32, subShiftedSetFlags64, subShiftedSetFlags32
    case andShifted64, orrShifted64, orrShifted32, eorShifted64, andShiftedSetFlags64, andShiftedSetFlags32
    case conditionalCompareRegister64, conditionalCompareRegister32
    case conditionalCompareImmediate64, conditionalCompareImmediate32
    case conditionalSelect64, conditionalSelect32, conditionalSelectIncrement64, conditionalSelectIncrement32
    case multiplyAdd64, multiplyAdd32
    case moveKeep64, shiftLeftVariable64, addExtended64
    /// `ra` = extend type, `aux8` = shift, `conditionMask` = the SP alignment check mask.
    case loadRegisterOffset64, loadRegisterOffset32
    case load64, load32, load16, load8, loadSigned32To64, loadPreIndex64, loadPostIndex64
    case loadLiteral64, loadLiteral32
    case store64, store32, store16, store8, storePreIndex64, storePostIndex64
    case loadPair64, loadPair32, loadPairPreIndex64, loadPairPostIndex64
    case storePair64, storePair32, storePairPreIndex64, storePairPostIndex64
    case branch, branchLink, branchConditional
    case compareBranchZero64, compareBranchZero32, compareBranchNonZero64, compareBranchNonZero32
    case testBranchZero, testBranchNonZero
    case branchRegister, branchLinkRegister, returnFromSubroutine
}
