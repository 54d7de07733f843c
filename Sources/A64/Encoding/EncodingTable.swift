/// One row of the A64 encoding table: an encoding, its bit pattern and its Arm ARM class.
public struct EncodingRow: Sendable {
    public let encoding: Encoding
    public let pattern: BitPattern
    public let group: EncodingGroup
}

/// The top-level encoding classes of the Arm ARM (C4.1), used to group rows and to pick fuzz sets.
public enum EncodingGroup: String, Sendable, CaseIterable {
    case dataProcessingImmediate
    case branchExceptionSystem
    case loadStore
    case dataProcessingRegister
}

/// Every A64 encoding the emulator implements, one per table row.
///
/// The raw value is the row's index in `EncodingTable.rows`.
public enum Encoding: UInt8, Sendable, CaseIterable {
    // Data processing — immediate
    case ADR, ADRP, ADD_imm, ADDS_imm, SUB_imm, SUBS_imm
    case AND_imm, ORR_imm, EOR_imm, ANDS_imm
    case MOVN, MOVZ, MOVK
    case SBFM, BFM, UBFM, EXTR
    // Branches, exception generating and system
    case B_cond, SVC, BRK, HLT
    case HINT, NOP, YIELD, WFE, WFI, SEV, SEVL, XPACLRI
    case PACIA1716, PACIB1716, AUTIA1716, AUTIB1716
    case ESB, PSB, TSB, CSDB
    case PACIAZ, PACIASP, PACIBZ, PACIBSP, AUTIAZ, AUTIASP, AUTIBZ, AUTIBSP, BTI
    case CLREX, DSB, DMB, ISB
    case MSR_imm
    case IC_IALLUIS, IC_IALLU, IC_IVAU
    case DC_IVAC, DC_ISW, DC_CSW, DC_CISW, DC_ZVA, DC_CVAC, DC_CVAU, DC_CIVAC
    case MSR_reg, MRS
    case BR, BLR, RET, ERET
    case B, BL, CBZ, CBNZ, TBZ, TBNZ
    // Loads and stores
    case STXR, STLXR, LDXR, LDAXR, STXP, STLXP, LDXP, LDAXP, STLR, LDAR
    case LDR_lit, LDRSW_lit, PRFM_lit
    case STNP, LDNP, STP_post, LDP_post, STP, LDP, STP_pre, LDP_pre
    case LDPSW_post, LDPSW, LDPSW_pre
    case LDST_unscaled, LDST_post, LDST_unpriv, LDST_pre, LDST_unsigned, LDST_reg
    // Data processing — register
    case AND_reg, BIC_reg, ORR_reg, ORN_reg, EOR_reg, EON_reg, ANDS_reg, BICS_reg
    case ADD_shift, ADDS_shift, SUB_shift, SUBS_shift
    case ADD_ext, ADDS_ext, SUB_ext, SUBS_ext
    case ADC, ADCS, SBC, SBCS
    case CCMN_reg, CCMP_reg, CCMN_imm, CCMP_imm
    case CSEL, CSINC, CSINV, CSNEG
    case RBIT, REV16, REV_32, REV32, REV_64, CLZ, CLS
    case UDIV, SDIV, LSLV, LSRV, ASRV, RORV
    case MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH

    /// This encoding's table row.
    @inlinable
    public var row: EncodingRow { EncodingTable.rows[Int(rawValue)] }

    /// The value of field `letter` of this encoding's pattern in `word`.
    public func field(_ letter: Unicode.Scalar, in word: UInt32) -> UInt32 {
        row.pattern.field(letter, in: word)
    }
}

/// The A64 encoding table: the single source of truth for decoding, disassembly, fuzzing and timing.
///
/// Field letters: `z` sf, `d` Rd, `n` Rn, `m` Rm, `a` Ra, `t` Rt, `u` Rt2, `s` Rs, `x` size,
/// `o` opc, `h` shift or hw, `y` shift type, `e` extend option, `S` scale, `N` N, `r` immr, `k` imms,
/// `i` immediate, `l` immlo, `c` cond, `f` nzcv, `b` b5, `w` b40, `p` op1, `C` CRn, `M` CRm, `q` op2.
public enum EncodingTable {
    public static let rows: [EncodingRow] = {
        let rows = definitions.map { EncodingRow(encoding: $0.0, pattern: BitPattern($0.1), group: $0.2) }
        for (index, row) in rows.enumerated() {
            precondition(Int(row.encoding.rawValue) == index, "encoding table row \(index) is \(row.encoding), out of order")
        }
        precondition(rows.count == Encoding.allCases.count, "every encoding needs exactly one table row")
        return rows
    }()

    private typealias Definition = (Encoding, String, EncodingGroup)

    // Rows are in `Encoding` order. Unimplemented encodings of each class stay visible as comments:
    // they decode as UNDEFINED, which is what a core without the feature does.
    private static let definitions: [Definition] = [
        // MARK: Data processing — immediate
        (.ADR, "0ll10000 iiiiiiiiiiiiiiiiiii ddddd", .dataProcessingImmediate),
        (.ADRP, "1ll10000 iiiiiiiiiiiiiiiiiii ddddd", .dataProcessingImmediate),
        (.ADD_imm, "z0010001 0h iiiiiiiiiiii nnnnn ddddd", .dataProcessingImmediate),
        (.ADDS_imm, "z0110001 0h iiiiiiiiiiii nnnnn ddddd", .dataProcessingImmediate),
        (.SUB_imm, "z1010001 0h iiiiiiiiiiii nnnnn ddddd", .dataProcessingImmediate),
        (.SUBS_imm, "z1110001 0h iiiiiiiiiiii nnnnn ddddd", .dataProcessingImmediate),
        // ADDG, SUBG (FEAT_MTE): not implemented
        (.AND_imm, "z00100100 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.ORR_imm, "z01100100 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.EOR_imm, "z10100100 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.ANDS_imm, "z11100100 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.MOVN, "z00100101 hh iiiiiiiiiiiiiiii ddddd", .dataProcessingImmediate),
        (.MOVZ, "z10100101 hh iiiiiiiiiiiiiiii ddddd", .dataProcessingImmediate),
        (.MOVK, "z11100101 hh iiiiiiiiiiiiiiii ddddd", .dataProcessingImmediate),
        (.SBFM, "z00100110 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.BFM, "z01100110 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.UBFM, "z10100110 N rrrrrr kkkkkk nnnnn ddddd", .dataProcessingImmediate),
        (.EXTR, "z00100111 N 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingImmediate),

        // MARK: Branches, exception generating and system
        (.B_cond, "01010100 iiiiiiiiiiiiiiiiiii 0 cccc", .branchExceptionSystem),
        // BC.cond (FEAT_HBC): not implemented
        (.SVC, "11010100 000 iiiiiiiiiiiiiiii 00001", .branchExceptionSystem),
        // HVC 11010100 000 iiiiiiiiiiiiiiii 00010: no EL2, UNDEFINED
        // SMC 11010100 000 iiiiiiiiiiiiiiii 00011: no EL3, UNDEFINED
        (.BRK, "11010100 001 iiiiiiiiiiiiiiii 00000", .branchExceptionSystem),
        (.HLT, "11010100 010 iiiiiiiiiiiiiiii 00000", .branchExceptionSystem),
        // DCPS1/2/3 11010100 101 iiiiiiiiiiiiiiii 000xx: no Debug state, UNDEFINED
        // Hints: every hint without an architected effect on this core executes as a NOP.
        (.HINT, "11010101000000110010 MMMM qqq 11111", .branchExceptionSystem),
        (.NOP, "11010101000000110010 0000 000 11111", .branchExceptionSystem),
        (.YIELD, "11010101000000110010 0000 001 11111", .branchExceptionSystem),
        (.WFE, "11010101000000110010 0000 010 11111", .branchExceptionSystem),
        (.WFI, "11010101000000110010 0000 011 11111", .branchExceptionSystem),
        (.SEV, "11010101000000110010 0000 100 11111", .branchExceptionSystem),
        (.SEVL, "11010101000000110010 0000 101 11111", .branchExceptionSystem),
        (.XPACLRI, "11010101000000110010 0000 111 11111", .branchExceptionSystem),
        (.PACIA1716, "11010101000000110010 0001 000 11111", .branchExceptionSystem),
        (.PACIB1716, "11010101000000110010 0001 010 11111", .branchExceptionSystem),
        (.AUTIA1716, "11010101000000110010 0001 100 11111", .branchExceptionSystem),
        (.AUTIB1716, "11010101000000110010 0001 110 11111", .branchExceptionSystem),
        (.ESB, "11010101000000110010 0010 000 11111", .branchExceptionSystem),
        (.PSB, "11010101000000110010 0010 001 11111", .branchExceptionSystem),
        (.TSB, "11010101000000110010 0010 010 11111", .branchExceptionSystem),
        (.CSDB, "11010101000000110010 0010 100 11111", .branchExceptionSystem),
        (.PACIAZ, "11010101000000110010 0011 000 11111", .branchExceptionSystem),
        (.PACIASP, "11010101000000110010 0011 001 11111", .branchExceptionSystem),
        (.PACIBZ, "11010101000000110010 0011 010 11111", .branchExceptionSystem),
        (.PACIBSP, "11010101000000110010 0011 011 11111", .branchExceptionSystem),
        (.AUTIAZ, "11010101000000110010 0011 100 11111", .branchExceptionSystem),
        (.AUTIASP, "11010101000000110010 0011 101 11111", .branchExceptionSystem),
        (.AUTIBZ, "11010101000000110010 0011 110 11111", .branchExceptionSystem),
        (.AUTIBSP, "11010101000000110010 0011 111 11111", .branchExceptionSystem),
        (.BTI, "11010101000000110010 0100 ii0 11111", .branchExceptionSystem),
        // Barriers
        (.CLREX, "11010101000000110011 MMMM 010 11111", .branchExceptionSystem),
        (.DSB, "11010101000000110011 MMMM 100 11111", .branchExceptionSystem),
        (.DMB, "11010101000000110011 MMMM 101 11111", .branchExceptionSystem),
        (.ISB, "11010101000000110011 MMMM 110 11111", .branchExceptionSystem),
        // SB 11010101000000110011 0000 111 11111 (FEAT_SB): not implemented
        // PSTATE: SPSel, DAIFSet, DAIFClr; other fields belong to later extensions and are UNDEFINED.
        (.MSR_imm, "1101010100000 ppp 0100 MMMM qqq 11111", .branchExceptionSystem),
        // System instructions (SYS): the cache maintenance operations; TLBI and AT are not implemented (MMU off).
        (.IC_IALLUIS, "1101010100001 000 0111 0001 000 ttttt", .branchExceptionSystem),
        (.IC_IALLU, "1101010100001 000 0111 0101 000 ttttt", .branchExceptionSystem),
        (.IC_IVAU, "1101010100001 011 0111 0101 001 ttttt", .branchExceptionSystem),
        (.DC_IVAC, "1101010100001 000 0111 0110 001 ttttt", .branchExceptionSystem),
        (.DC_ISW, "1101010100001 000 0111 0110 010 ttttt", .branchExceptionSystem),
        (.DC_CSW, "1101010100001 000 0111 1010 010 ttttt", .branchExceptionSystem),
        (.DC_CISW, "1101010100001 000 0111 1110 010 ttttt", .branchExceptionSystem),
        (.DC_ZVA, "1101010100001 011 0111 0100 001 ttttt", .branchExceptionSystem),
        (.DC_CVAC, "1101010100001 011 0111 1010 001 ttttt", .branchExceptionSystem),
        (.DC_CVAU, "1101010100001 011 0111 1011 001 ttttt", .branchExceptionSystem),
        (.DC_CIVAC, "1101010100001 011 0111 1110 001 ttttt", .branchExceptionSystem),
        // SYSL 1101010100101 ppp CCCC MMMM qqq ttttt: nothing allocated, UNDEFINED
        (.MSR_reg, "110101010001 o ppp CCCC MMMM qqq ttttt", .branchExceptionSystem),
        (.MRS, "110101010011 o ppp CCCC MMMM qqq ttttt", .branchExceptionSystem),
        // Unconditional branch (register)
        (.BR, "1101011 0000 11111 000000 nnnnn 00000", .branchExceptionSystem),
        (.BLR, "1101011 0001 11111 000000 nnnnn 00000", .branchExceptionSystem),
        (.RET, "1101011 0010 11111 000000 nnnnn 00000", .branchExceptionSystem),
        (.ERET, "1101011 0100 11111 000000 11111 00000", .branchExceptionSystem),
        // BRAA, BLRAA, RETAA, ERETAA and the other FEAT_PAuth branches: not implemented
        // DRPS 1101011 0101 11111 000000 11111 00000: no Debug state, UNDEFINED
        (.B, "000101 iiiiiiiiiiiiiiiiiiiiiiiiii", .branchExceptionSystem),
        (.BL, "100101 iiiiiiiiiiiiiiiiiiiiiiiiii", .branchExceptionSystem),
        (.CBZ, "z0110100 iiiiiiiiiiiiiiiiiii ttttt", .branchExceptionSystem),
        (.CBNZ, "z0110101 iiiiiiiiiiiiiiiiiii ttttt", .branchExceptionSystem),
        (.TBZ, "b0110110 wwwww iiiiiiiiiiiiii ttttt", .branchExceptionSystem),
        (.TBNZ, "b0110111 wwwww iiiiiiiiiiiiii ttttt", .branchExceptionSystem),

        // MARK: Loads and stores
        (.STXR, "xx001000 000 sssss 0 11111 nnnnn ttttt", .loadStore),
        (.STLXR, "xx001000 000 sssss 1 11111 nnnnn ttttt", .loadStore),
        (.LDXR, "xx001000 010 11111 0 11111 nnnnn ttttt", .loadStore),
        (.LDAXR, "xx001000 010 11111 1 11111 nnnnn ttttt", .loadStore),
        (.STXP, "1z001000 001 sssss 0 uuuuu nnnnn ttttt", .loadStore),
        (.STLXP, "1z001000 001 sssss 1 uuuuu nnnnn ttttt", .loadStore),
        (.LDXP, "1z001000 011 11111 0 uuuuu nnnnn ttttt", .loadStore),
        (.LDAXP, "1z001000 011 11111 1 uuuuu nnnnn ttttt", .loadStore),
        (.STLR, "xx001000 100 11111 1 11111 nnnnn ttttt", .loadStore),
        (.LDAR, "xx001000 110 11111 1 11111 nnnnn ttttt", .loadStore),
        // STLLR, LDLAR (FEAT_LOR), CAS/CASP (FEAT_LSE), LDADD and the other atomics (FEAT_LSE),
        // LDAPR (FEAT_LRCPC), STLUR/LDAPUR (FEAT_LRCPC2): not implemented
        (.LDR_lit, "0z011000 iiiiiiiiiiiiiiiiiii ttttt", .loadStore),
        (.LDRSW_lit, "10011000 iiiiiiiiiiiiiiiiiii ttttt", .loadStore),
        (.PRFM_lit, "11011000 iiiiiiiiiiiiiiiiiii ttttt", .loadStore),
        (.STNP, "z0101000 00 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDNP, "z0101000 01 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.STP_post, "z0101000 10 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDP_post, "z0101000 11 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.STP, "z0101001 00 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDP, "z0101001 01 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.STP_pre, "z0101001 10 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDP_pre, "z0101001 11 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDPSW_post, "01101000 11 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDPSW, "01101001 01 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        (.LDPSW_pre, "01101001 11 iiiiiii uuuuu nnnnn ttttt", .loadStore),
        // STGP (FEAT_MTE): not implemented
        // Single registers: size and opc select STR/LDR/LDRS*/PRFM; unallocated combinations are UNDEFINED.
        (.LDST_unscaled, "xx111000 oo 0 iiiiiiiii 00 nnnnn ttttt", .loadStore),
        (.LDST_post, "xx111000 oo 0 iiiiiiiii 01 nnnnn ttttt", .loadStore),
        (.LDST_unpriv, "xx111000 oo 0 iiiiiiiii 10 nnnnn ttttt", .loadStore),
        (.LDST_pre, "xx111000 oo 0 iiiiiiiii 11 nnnnn ttttt", .loadStore),
        (.LDST_unsigned, "xx111001 oo iiiiiiiiiiii nnnnn ttttt", .loadStore),
        (.LDST_reg, "xx111000 oo 1 mmmmm eee S 10 nnnnn ttttt", .loadStore),
        // LDRAA/LDRAB (FEAT_PAuth), and every SIMD&FP load and store (V=1): not implemented

        // MARK: Data processing — register
        (.AND_reg, "z0001010 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.BIC_reg, "z0001010 yy 1 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ORR_reg, "z0101010 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ORN_reg, "z0101010 yy 1 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.EOR_reg, "z1001010 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.EON_reg, "z1001010 yy 1 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ANDS_reg, "z1101010 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.BICS_reg, "z1101010 yy 1 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ADD_shift, "z0001011 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ADDS_shift, "z0101011 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.SUB_shift, "z1001011 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.SUBS_shift, "z1101011 yy 0 mmmmm kkkkkk nnnnn ddddd", .dataProcessingRegister),
        (.ADD_ext, "z0001011 00 1 mmmmm eee iii nnnnn ddddd", .dataProcessingRegister),
        (.ADDS_ext, "z0101011 00 1 mmmmm eee iii nnnnn ddddd", .dataProcessingRegister),
        (.SUB_ext, "z1001011 00 1 mmmmm eee iii nnnnn ddddd", .dataProcessingRegister),
        (.SUBS_ext, "z1101011 00 1 mmmmm eee iii nnnnn ddddd", .dataProcessingRegister),
        (.ADC, "z0011010000 mmmmm 000000 nnnnn ddddd", .dataProcessingRegister),
        (.ADCS, "z0111010000 mmmmm 000000 nnnnn ddddd", .dataProcessingRegister),
        (.SBC, "z1011010000 mmmmm 000000 nnnnn ddddd", .dataProcessingRegister),
        (.SBCS, "z1111010000 mmmmm 000000 nnnnn ddddd", .dataProcessingRegister),
        // RMIF, SETF8/16 (FEAT_FlagM): not implemented
        (.CCMN_reg, "z0111010010 mmmmm cccc 00 nnnnn 0 ffff", .dataProcessingRegister),
        (.CCMP_reg, "z1111010010 mmmmm cccc 00 nnnnn 0 ffff", .dataProcessingRegister),
        (.CCMN_imm, "z0111010010 iiiii cccc 10 nnnnn 0 ffff", .dataProcessingRegister),
        (.CCMP_imm, "z1111010010 iiiii cccc 10 nnnnn 0 ffff", .dataProcessingRegister),
        (.CSEL, "z0011010100 mmmmm cccc 00 nnnnn ddddd", .dataProcessingRegister),
        (.CSINC, "z0011010100 mmmmm cccc 01 nnnnn ddddd", .dataProcessingRegister),
        (.CSINV, "z1011010100 mmmmm cccc 00 nnnnn ddddd", .dataProcessingRegister),
        (.CSNEG, "z1011010100 mmmmm cccc 01 nnnnn ddddd", .dataProcessingRegister),
        (.RBIT, "z101101011000000 000000 nnnnn ddddd", .dataProcessingRegister),
        (.REV16, "z101101011000000 000001 nnnnn ddddd", .dataProcessingRegister),
        (.REV_32, "0101101011000000 000010 nnnnn ddddd", .dataProcessingRegister),
        (.REV32, "1101101011000000 000010 nnnnn ddddd", .dataProcessingRegister),
        (.REV_64, "1101101011000000 000011 nnnnn ddddd", .dataProcessingRegister),
        (.CLZ, "z101101011000000 000100 nnnnn ddddd", .dataProcessingRegister),
        (.CLS, "z101101011000000 000101 nnnnn ddddd", .dataProcessingRegister),
        // PACIA/AUTIA and the other FEAT_PAuth data processing, ABS/CNT/CTZ (FEAT_CSSC): not implemented
        (.UDIV, "z0011010110 mmmmm 000010 nnnnn ddddd", .dataProcessingRegister),
        (.SDIV, "z0011010110 mmmmm 000011 nnnnn ddddd", .dataProcessingRegister),
        (.LSLV, "z0011010110 mmmmm 001000 nnnnn ddddd", .dataProcessingRegister),
        (.LSRV, "z0011010110 mmmmm 001001 nnnnn ddddd", .dataProcessingRegister),
        (.ASRV, "z0011010110 mmmmm 001010 nnnnn ddddd", .dataProcessingRegister),
        (.RORV, "z0011010110 mmmmm 001011 nnnnn ddddd", .dataProcessingRegister),
        // CRC32B/H/W/X, CRC32CB/CH/CW/CX (FEAT_CRC32, optional in Armv8.0): not implemented
        (.MADD, "z0011011000 mmmmm 0 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.MSUB, "z0011011000 mmmmm 1 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.SMADDL, "10011011001 mmmmm 0 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.SMSUBL, "10011011001 mmmmm 1 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.SMULH, "10011011010 mmmmm 0 11111 nnnnn ddddd", .dataProcessingRegister),
        (.UMADDL, "10011011101 mmmmm 0 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.UMSUBL, "10011011101 mmmmm 1 aaaaa nnnnn ddddd", .dataProcessingRegister),
        (.UMULH, "10011011110 mmmmm 0 11111 nnnnn ddddd", .dataProcessingRegister),
    ]
}
