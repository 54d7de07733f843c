/// Turns a word matched to a table row into an `Instruction`, or nil where the row's fields hold an
/// unallocated combination (the word is then UNDEFINED).
struct OperandBuilder {
    let word: UInt32
    let address: UInt64
    let encoding: Encoding

    private func field(_ letter: Unicode.Scalar) -> UInt32 { encoding.field(letter, in: word) }
    private var sf: Bool { field("z") == 1 }
    private var width: Int { sf ? 64 : 32 }
    private var widthFlag: InstructionFlags { sf ? .is64 : [] }

    private func make(
        _ operation: Operation, flags: InstructionFlags = [], rd: UInt8 = RegisterSlot.discard,
        rn: UInt8 = RegisterSlot.zero, rm: UInt8 = RegisterSlot.zero, ra: UInt8 = RegisterSlot.zero,
        option: UInt8 = 0, amount: UInt8 = 0, size: UInt8 = 0, imm: UInt64 = 0
    ) -> Instruction {
        Instruction(operation: operation, flags: flags, rd: rd, rn: rn, rm: rm, ra: ra, option: option,
                    amount: amount, size: size, encoding: encoding, word: word, imm: imm)
    }

    /// `address` plus a signed, word-scaled offset held in field `letter` of `bits` bits.
    private func branchTarget(_ letter: Unicode.Scalar, bits: Int) -> UInt64 {
        address &+ BitMasks.signExtend(UInt64(field(letter)) << 2, bits: bits + 2)
    }

    private var d: UInt32 { field("d") }
    private var n: UInt32 { field("n") }
    private var m: UInt32 { field("m") }
    private var t: UInt32 { field("t") }

    func build() -> Instruction? {
        switch encoding {
        case .ADR, .ADRP:
            return buildAddressGeneration()
        case .ADD_imm, .ADDS_imm, .SUB_imm, .SUBS_imm:
            return buildAddSubtractImmediate()
        case .AND_imm, .ORR_imm, .EOR_imm, .ANDS_imm:
            return buildLogicalImmediate()
        case .MOVN, .MOVZ, .MOVK:
            return buildMoveWide()
        case .SBFM, .BFM, .UBFM:
            return buildBitfield()
        case .EXTR:
            guard field("N") == field("z"), sf || field("k") < 32 else { return nil }
            return make(.extract, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                        rm: RegisterSlot.zeroRead(m), amount: UInt8(field("k")))
        case .B_cond, .SVC, .BRK, .HLT, .B, .BL, .CBZ, .CBNZ, .TBZ, .TBNZ, .BR, .BLR, .RET, .ERET:
            return buildBranchOrException()
        case .HINT, .NOP, .YIELD, .WFE, .WFI, .SEV, .SEVL, .XPACLRI, .PACIA1716, .PACIB1716, .AUTIA1716,
             .AUTIB1716, .ESB, .PSB, .TSB, .CSDB, .PACIAZ, .PACIASP, .PACIBZ, .PACIBSP, .AUTIAZ, .AUTIASP,
             .AUTIBZ, .AUTIBSP, .BTI, .CLREX, .DSB, .DMB, .ISB:
            return buildHintOrBarrier()
        case .MSR_imm, .MSR_reg, .MRS:
            return buildSystemRegisterAccess()
        case .IC_IALLUIS, .IC_IALLU, .IC_IVAU, .DC_IVAC, .DC_ISW, .DC_CSW, .DC_CISW, .DC_ZVA, .DC_CVAC,
             .DC_CVAU, .DC_CIVAC:
            return buildCacheMaintenance()
        case .STXR, .STLXR, .LDXR, .LDAXR, .STXP, .STLXP, .LDXP, .LDAXP, .STLR, .LDAR:
            return buildExclusiveOrOrdered()
        case .LDR_lit, .LDRSW_lit, .PRFM_lit:
            return buildLiteralLoad()
        case .STNP, .LDNP, .STP_post, .LDP_post, .STP, .LDP, .STP_pre, .LDP_pre, .LDPSW_post, .LDPSW, .LDPSW_pre:
            return buildPair()
        case .LDST_unscaled, .LDST_post, .LDST_unpriv, .LDST_pre, .LDST_unsigned, .LDST_reg:
            return buildSingleRegisterAccess()
        case .AND_reg, .BIC_reg, .ORR_reg, .ORN_reg, .EOR_reg, .EON_reg, .ANDS_reg, .BICS_reg:
            return buildLogicalShifted()
        case .ADD_shift, .ADDS_shift, .SUB_shift, .SUBS_shift:
            return buildAddSubtractShifted()
        case .ADD_ext, .ADDS_ext, .SUB_ext, .SUBS_ext:
            return buildAddSubtractExtended()
        case .ADC, .ADCS, .SBC, .SBCS, .UDIV, .SDIV, .LSLV, .LSRV, .ASRV, .RORV:
            return buildTwoSource()
        case .CCMN_reg, .CCMP_reg, .CCMN_imm, .CCMP_imm:
            return buildConditionalCompare()
        case .CSEL, .CSINC, .CSINV, .CSNEG:
            return buildConditionalSelect()
        case .RBIT, .REV16, .REV_32, .REV32, .REV_64, .CLZ, .CLS:
            return buildOneSource()
        case .MADD, .MSUB, .SMADDL, .SMSUBL, .SMULH, .UMADDL, .UMSUBL, .UMULH:
            return buildThreeSource()
        }
    }

    // MARK: Data processing — immediate

    private func buildAddressGeneration() -> Instruction {
        let offset = BitMasks.signExtend(UInt64(field("i") << 2 | field("l")), bits: 21)
        let value = encoding == .ADR ? address &+ offset : (address & ~0xFFF) &+ (offset << 12)
        return make(.loadConstant, flags: .is64, rd: RegisterSlot.zeroWrite(d), imm: value)
    }

    private func buildAddSubtractImmediate() -> Instruction {
        let value = UInt64(field("i")) << (field("h") == 1 ? 12 : 0)
        let rn = RegisterSlot.stackOrGeneral(n)
        switch encoding {
        case .ADD_imm:
            return make(.addImmediate, flags: widthFlag, rd: RegisterSlot.stackOrGeneral(d), rn: rn, imm: value)
        case .SUB_imm:
            return make(.addImmediate, flags: widthFlag, rd: RegisterSlot.stackOrGeneral(d), rn: rn, imm: 0 &- value)
        case .ADDS_imm:
            return make(.addImmediateSetFlags, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: rn, imm: value)
        default:
            return make(.subImmediateSetFlags, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: rn, imm: value)
        }
    }

    private func buildLogicalImmediate() -> Instruction? {
        guard sf || field("N") == 0,
              let mask = BitMasks.logicalImmediate(n: field("N"), imms: field("k"), immr: field("r"), width: width)
        else { return nil }
        let rn = RegisterSlot.zeroRead(n)
        switch encoding {
        case .AND_imm:
            return make(.andImmediate, flags: widthFlag, rd: RegisterSlot.stackOrGeneral(d), rn: rn, imm: mask)
        case .ORR_imm:
            return make(.orrImmediate, flags: widthFlag, rd: RegisterSlot.stackOrGeneral(d), rn: rn, imm: mask)
        case .EOR_imm:
            return make(.eorImmediate, flags: widthFlag, rd: RegisterSlot.stackOrGeneral(d), rn: rn, imm: mask)
        default:
            return make(.andImmediateSetFlags, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: rn, imm: mask)
        }
    }

    private func buildMoveWide() -> Instruction? {
        let shift = field("h") * 16
        guard sf || shift < 32 else { return nil }
        let immediate = UInt64(field("i"))
        switch encoding {
        case .MOVZ:
            return make(.loadConstant, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), imm: immediate << UInt64(shift))
        case .MOVN:
            return make(.loadConstant, flags: widthFlag, rd: RegisterSlot.zeroWrite(d),
                        imm: ~(immediate << UInt64(shift)) & BitMasks.ones(width))
        default:
            return make(.moveKeep, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(d),
                        amount: UInt8(shift), imm: immediate)
        }
    }

    private func buildBitfield() -> Instruction? {
        let r = Int(field("r")), s = Int(field("k"))
        guard field("N") == field("z"), sf || (r < 32 && s < 32) else { return nil }
        let extracts = s >= r
        let lsb = extracts ? r : width - r
        let fieldWidth = extracts ? s - r + 1 : s + 1
        let operation: Operation
        switch encoding {
        case .UBFM: operation = extracts ? .unsignedBitfieldExtract : .unsignedBitfieldInsertZero
        case .SBFM: operation = extracts ? .signedBitfieldExtract : .signedBitfieldInsertZero
        default: operation = extracts ? .bitfieldExtractInsert : .bitfieldInsert
        }
        // BFM keeps the destination's other bits, so it reads Rd as well (through rm).
        return make(operation, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(d), amount: UInt8(lsb), size: UInt8(fieldWidth))
    }

    // MARK: Branches, exceptions and system

    private func buildBranchOrException() -> Instruction {
        switch encoding {
        case .B_cond:
            return make(.branchConditional, option: UInt8(field("c")), imm: branchTarget("i", bits: 19))
        case .SVC:
            return make(.supervisorCall, imm: UInt64(field("i")))
        case .BRK:
            return make(.breakpoint, imm: UInt64(field("i")))
        case .HLT:
            return make(.halt, imm: UInt64(field("i")))
        case .B:
            return make(.branch, imm: branchTarget("i", bits: 26))
        case .BL:
            return make(.branchLink, rd: 30, imm: branchTarget("i", bits: 26))
        case .CBZ, .CBNZ:
            return make(encoding == .CBZ ? .compareBranchZero : .compareBranchNonZero, flags: widthFlag,
                        rn: RegisterSlot.zeroRead(t), imm: branchTarget("i", bits: 19))
        case .TBZ, .TBNZ:
            let bit = field("b") << 5 | field("w")
            return make(encoding == .TBZ ? .testBranchZero : .testBranchNonZero, flags: bit >= 32 ? .is64 : [],
                        rn: RegisterSlot.zeroRead(t), amount: UInt8(bit), imm: branchTarget("i", bits: 14))
        case .BR:
            return make(.branchRegister, rn: RegisterSlot.zeroRead(n))
        case .BLR:
            return make(.branchLinkRegister, rd: 30, rn: RegisterSlot.zeroRead(n))
        case .RET:
            return make(.returnFromSubroutine, rn: RegisterSlot.zeroRead(n))
        default:
            return make(.exceptionReturn)
        }
    }

    private func buildHintOrBarrier() -> Instruction {
        let crm = UInt8(word >> 8 & 0xF)
        switch encoding {
        case .WFI: return make(.waitForInterrupt)
        case .WFE: return make(.waitForEvent)
        case .CLREX: return make(.clearExclusive, option: crm)
        case .DSB: return make(.dataSynchronizationBarrier, option: crm)
        case .DMB: return make(.dataMemoryBarrier, option: crm)
        case .ISB: return make(.instructionSynchronizationBarrier, option: crm)
        // Without FEAT_PAuth and FEAT_BTI the pointer-authentication and BTI hints execute as NOPs.
        default: return make(.hint, imm: UInt64(word >> 5 & 0x7F))
        }
    }

    private func buildSystemRegisterAccess() -> Instruction? {
        switch encoding {
        case .MSR_imm:
            let crm = UInt64(field("M"))
            switch (field("p"), field("q")) {
            case (0b000, 0b101): return make(.moveToProcessState, option: PSTATEField.spsel.rawValue, imm: crm & 1)
            case (0b011, 0b110): return make(.moveToProcessState, option: PSTATEField.daifSet.rawValue, imm: crm)
            case (0b011, 0b111): return make(.moveToProcessState, option: PSTATEField.daifClear.rawValue, imm: crm)
            default: return nil
            }
        case .MSR_reg:
            guard let register = SystemRegister(encodedFields: word >> 5 & 0xFFFF), register.isWritable else { return nil }
            return make(.writeSystemRegister, rn: RegisterSlot.zeroRead(t), imm: UInt64(register.rawValue))
        default:
            guard let register = SystemRegister(encodedFields: word >> 5 & 0xFFFF), register.isReadable else { return nil }
            return make(.readSystemRegister, rd: RegisterSlot.zeroWrite(t), imm: UInt64(register.rawValue))
        }
    }

    private func buildCacheMaintenance() -> Instruction {
        let operation: CacheOperation
        switch encoding {
        case .IC_IALLUIS: operation = .icIallUIS
        case .IC_IALLU: operation = .icIallU
        case .IC_IVAU: operation = .icIvaU
        case .DC_IVAC: operation = .dcIvaC
        case .DC_ISW: operation = .dcIsw
        case .DC_CSW: operation = .dcCsw
        case .DC_CISW: operation = .dcCisw
        case .DC_CVAC: operation = .dcCvaC
        case .DC_CVAU: operation = .dcCvaU
        case .DC_CIVAC: operation = .dcCivaC
        default: return make(.zeroCacheBlock, rn: RegisterSlot.zeroRead(t))
        }
        return make(.cacheMaintenance, rn: RegisterSlot.zeroRead(t), option: operation.rawValue)
    }

    // MARK: Loads and stores

    private func buildExclusiveOrOrdered() -> Instruction {
        let base = RegisterSlot.stackOrGeneral(n)
        switch encoding {
        case .STXR, .STLXR:
            return make(.storeExclusive, flags: encoding == .STLXR ? .ordered : [], rd: RegisterSlot.zeroRead(t),
                        rn: base, rm: RegisterSlot.zeroWrite(field("s")), size: 1 << UInt8(field("x")))
        case .LDXR, .LDAXR:
            return make(.loadExclusive, flags: encoding == .LDAXR ? .ordered : [], rd: RegisterSlot.zeroWrite(t),
                        rn: base, size: 1 << UInt8(field("x")))
        case .STXP, .STLXP:
            return make(.storeExclusivePair, flags: (encoding == .STLXP ? InstructionFlags.ordered : []).union(widthFlag),
                        rd: RegisterSlot.zeroRead(t), rn: base, rm: RegisterSlot.zeroWrite(field("s")),
                        ra: RegisterSlot.zeroRead(field("u")), size: sf ? 8 : 4)
        case .LDXP, .LDAXP:
            return make(.loadExclusivePair, flags: (encoding == .LDAXP ? InstructionFlags.ordered : []).union(widthFlag),
                        rd: RegisterSlot.zeroWrite(t), rn: base, ra: RegisterSlot.zeroWrite(field("u")),
                        size: sf ? 8 : 4)
        case .STLR:
            return make(.storeRelease, flags: .ordered, rd: RegisterSlot.zeroRead(t), rn: base,
                        size: 1 << UInt8(field("x")))
        default:
            return make(.loadAcquire, flags: .ordered, rd: RegisterSlot.zeroWrite(t), rn: base,
                        size: 1 << UInt8(field("x")))
        }
    }

    private func buildLiteralLoad() -> Instruction {
        let target = branchTarget("i", bits: 19)
        switch encoding {
        case .LDR_lit:
            return make(.loadLiteral, rd: RegisterSlot.zeroWrite(t), size: sf ? 8 : 4, imm: target)
        case .LDRSW_lit:
            return make(.loadLiteral, flags: [.signed, .is64], rd: RegisterSlot.zeroWrite(t), size: 4, imm: target)
        default:
            return make(.prefetch, imm: target)
        }
    }

    private func buildPair() -> Instruction {
        let isSignedWord = encoding == .LDPSW || encoding == .LDPSW_pre || encoding == .LDPSW_post
        let size: UInt8 = isSignedWord ? 4 : (sf ? 8 : 4)
        let offset = BitMasks.signExtend(UInt64(field("i")), bits: 7) << UInt64(size.trailingZeroBitCount)
        var flags: InstructionFlags = isSignedWord ? [.signed, .is64] : widthFlag
        switch encoding {
        case .STP_pre, .LDP_pre, .LDPSW_pre: flags.insert(.writeback)
        case .STP_post, .LDP_post, .LDPSW_post: flags.formUnion([.writeback, .postIndex])
        default: break
        }
        let isLoad = word >> 22 & 1 == 1
        let rt = isLoad ? RegisterSlot.zeroWrite(t) : RegisterSlot.zeroRead(t)
        let rt2 = isLoad ? RegisterSlot.zeroWrite(field("u")) : RegisterSlot.zeroRead(field("u"))
        return make(isLoad ? .loadPair : .storePair, flags: flags, rd: rt, rn: RegisterSlot.stackOrGeneral(n),
                    ra: rt2, size: size, imm: offset)
    }

    /// The kind of a single-register access from `size` and `opc`, or nil where it is unallocated.
    private enum AccessKind { case store, load, loadSigned64, loadSigned32, prefetch }

    private func accessKind(size: UInt32, opc: UInt32) -> AccessKind? {
        switch opc {
        case 0b00: return .store
        case 0b01: return .load
        case 0b10: return size == 3 ? .prefetch : .loadSigned64
        default: return size >= 2 ? nil : .loadSigned32
        }
    }

    private func buildSingleRegisterAccess() -> Instruction? {
        let sizeLog2 = field("x")
        guard let kind = accessKind(size: sizeLog2, opc: field("o")) else { return nil }
        var flags: InstructionFlags
        switch kind {
        case .loadSigned64: flags = [.signed, .is64]
        case .loadSigned32: flags = .signed
        default: flags = sizeLog2 == 3 ? .is64 : []
        }
        let immediate: UInt64
        switch encoding {
        case .LDST_unscaled:
            immediate = BitMasks.signExtend(UInt64(field("i")), bits: 9)
        case .LDST_post, .LDST_pre, .LDST_unpriv:
            // PRFM has no writeback or unprivileged form.
            guard kind != .prefetch else { return nil }
            immediate = BitMasks.signExtend(UInt64(field("i")), bits: 9)
            switch encoding {
            case .LDST_post: flags.formUnion([.writeback, .postIndex])
            case .LDST_pre: flags.insert(.writeback)
            default: flags.insert(.unprivileged)
            }
        case .LDST_unsigned:
            immediate = UInt64(field("i")) << UInt64(sizeLog2)
        default:
            let extend = field("e")
            guard extend & 0b010 != 0 else { return nil }
            if kind == .prefetch { return make(.prefetch, rn: RegisterSlot.stackOrGeneral(n)) }
            let isLoad = kind != .store
            return make(isLoad ? .loadRegisterOffset : .storeRegisterOffset, flags: flags,
                        rd: isLoad ? RegisterSlot.zeroWrite(t) : RegisterSlot.zeroRead(t),
                        rn: RegisterSlot.stackOrGeneral(n), rm: RegisterSlot.zeroRead(m), option: UInt8(extend),
                        amount: field("S") == 1 ? UInt8(sizeLog2) : 0, size: 1 << UInt8(sizeLog2))
        }
        switch kind {
        case .prefetch:
            return make(.prefetch, rn: RegisterSlot.stackOrGeneral(n), imm: immediate)
        case .store:
            return make(.store, flags: flags, rd: RegisterSlot.zeroRead(t), rn: RegisterSlot.stackOrGeneral(n),
                        size: 1 << UInt8(sizeLog2), imm: immediate)
        default:
            return make(.load, flags: flags, rd: RegisterSlot.zeroWrite(t), rn: RegisterSlot.stackOrGeneral(n),
                        size: 1 << UInt8(sizeLog2), imm: immediate)
        }
    }

    // MARK: Data processing — register

    private func buildLogicalShifted() -> Instruction? {
        let amount = field("k")
        guard sf || amount < 32 else { return nil }
        let operation: Operation
        switch encoding {
        case .AND_reg: operation = .andShifted
        case .BIC_reg: operation = .bicShifted
        case .ORR_reg: operation = n == 31 && amount == 0 ? .moveRegister : .orrShifted
        case .ORN_reg: operation = .ornShifted
        case .EOR_reg: operation = .eorShifted
        case .EON_reg: operation = .eonShifted
        case .ANDS_reg: operation = .andShiftedSetFlags
        default: operation = .bicShiftedSetFlags
        }
        return make(operation, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(m), option: UInt8(field("y")), amount: UInt8(amount))
    }

    private func buildAddSubtractShifted() -> Instruction? {
        let amount = field("k"), shift = field("y")
        guard shift != 0b11, sf || amount < 32 else { return nil }
        let operation: Operation
        switch encoding {
        case .ADD_shift: operation = .addShifted
        case .ADDS_shift: operation = .addShiftedSetFlags
        case .SUB_shift: operation = .subShifted
        default: operation = .subShiftedSetFlags
        }
        return make(operation, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(m), option: UInt8(shift), amount: UInt8(amount))
    }

    private func buildAddSubtractExtended() -> Instruction? {
        let amount = field("i")
        guard amount <= 4 else { return nil }
        let operation: Operation
        let rd: UInt8
        switch encoding {
        case .ADD_ext: (operation, rd) = (.addExtended, RegisterSlot.stackOrGeneral(d))
        case .SUB_ext: (operation, rd) = (.subExtended, RegisterSlot.stackOrGeneral(d))
        case .ADDS_ext: (operation, rd) = (.addExtendedSetFlags, RegisterSlot.zeroWrite(d))
        default: (operation, rd) = (.subExtendedSetFlags, RegisterSlot.zeroWrite(d))
        }
        return make(operation, flags: widthFlag, rd: rd, rn: RegisterSlot.stackOrGeneral(n),
                    rm: RegisterSlot.zeroRead(m), option: UInt8(field("e")), amount: UInt8(amount))
    }

    private func buildTwoSource() -> Instruction {
        let operation: Operation
        switch encoding {
        case .ADC: operation = .addWithCarry
        case .ADCS: operation = .addWithCarrySetFlags
        case .SBC: operation = .subWithCarry
        case .SBCS: operation = .subWithCarrySetFlags
        case .UDIV: operation = .unsignedDivide
        case .SDIV: operation = .signedDivide
        case .LSLV: operation = .shiftLeftVariable
        case .LSRV: operation = .shiftRightVariable
        case .ASRV: operation = .shiftRightArithmeticVariable
        default: operation = .rotateRightVariable
        }
        return make(operation, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(m))
    }

    private func buildConditionalCompare() -> Instruction {
        let negative = encoding == .CCMN_reg || encoding == .CCMN_imm
        let immediate = encoding == .CCMN_imm || encoding == .CCMP_imm
        var flags = widthFlag
        if immediate { flags.insert(.immediateOperand) }
        return make(negative ? .conditionalCompareNegative : .conditionalCompare, flags: flags,
                    rn: RegisterSlot.zeroRead(n), rm: immediate ? RegisterSlot.zero : RegisterSlot.zeroRead(m),
                    option: UInt8(field("c")), amount: UInt8(field("f")), imm: immediate ? UInt64(field("i")) : 0)
    }

    private func buildConditionalSelect() -> Instruction {
        let operation: Operation
        switch encoding {
        case .CSEL: operation = .conditionalSelect
        case .CSINC: operation = .conditionalSelectIncrement
        case .CSINV: operation = .conditionalSelectInvert
        default: operation = .conditionalSelectNegate
        }
        return make(operation, flags: widthFlag, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(m), option: UInt8(field("c")))
    }

    private func buildOneSource() -> Instruction {
        let operation: Operation
        var flags = InstructionFlags.is64
        switch encoding {
        case .RBIT: (operation, flags) = (.reverseBits, widthFlag)
        case .REV16: (operation, flags) = (.reverseBytes16, widthFlag)
        case .REV_32: (operation, flags) = (.reverseBytes, [])
        case .REV32: operation = .reverseBytes32
        case .REV_64: operation = .reverseBytes
        case .CLZ: (operation, flags) = (.countLeadingZeros, widthFlag)
        default: (operation, flags) = (.countLeadingSignBits, widthFlag)
        }
        return make(operation, flags: flags, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n))
    }

    private func buildThreeSource() -> Instruction {
        let operation: Operation
        var flags = InstructionFlags.is64
        switch encoding {
        case .MADD: (operation, flags) = (.multiplyAdd, widthFlag)
        case .MSUB: (operation, flags) = (.multiplySubtract, widthFlag)
        case .SMADDL: operation = .signedMultiplyAddLong
        case .SMSUBL: operation = .signedMultiplySubtractLong
        case .UMADDL: operation = .unsignedMultiplyAddLong
        case .UMSUBL: operation = .unsignedMultiplySubtractLong
        case .SMULH: operation = .signedMultiplyHigh
        default: operation = .unsignedMultiplyHigh
        }
        let hasAddend = encoding != .SMULH && encoding != .UMULH
        return make(operation, flags: flags, rd: RegisterSlot.zeroWrite(d), rn: RegisterSlot.zeroRead(n),
                    rm: RegisterSlot.zeroRead(m), ra: hasAddend ? RegisterSlot.zeroRead(field("a")) : RegisterSlot.zero)
    }
}
