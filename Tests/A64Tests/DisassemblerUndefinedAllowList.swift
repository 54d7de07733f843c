import Foundation
@testable import A64

/// Words this machine calls UNDEFINED that llvm-objdump nevertheless decodes, each class with the
/// reason we are right to refuse them.
///
/// llvm-objdump decodes every architecture extension LLVM knows; the machine is a Cortex-A72-class
/// Armv8.0 core running integer code at EL1 with the MMU off, so instructions of later extensions,
/// of SIMD&FP, of other exception levels, and system registers or operations it does not model
/// stay UNDEFINED. A word that objdump decodes as something this machine does implement is never
/// excused: the rules below look at objdump's text *and* at what our decoder would need.
enum UndefinedAllowList {
    /// The reason objdump's decoding of `word` as `objdump` may differ from our `<unknown>`, or nil.
    static func reason(word: UInt32, objdump: String) -> String? {
        let text = ObjdumpText(objdump)
        if let reason = shouldBeOneReason(word) { return reason }
        if usesSIMDOrScalableRegisters(text) { return simdReason }
        if let reason = systemReason(text) { return reason }
        for (pattern, reason) in extensionMnemonics where text.mnemonic.wholeMatch(of: pattern) != nil {
            return reason
        }
        return nil
    }

    // MARK: Should-be-one fields

    /// Rows whose Arm ARM encoding has `(1)` bits that the table fixes to one, and those bits.
    /// With any of them zero the instruction is CONSTRAINED UNPREDICTABLE; UNDEFINED is one of the
    /// permitted behaviours, and the one this machine takes (objdump prints the instruction anyway).
    static let shouldBeOne: [(Encoding, UInt32)] = [
        (.LDXR, 0x001F_7C00), (.LDAXR, 0x001F_7C00), // Rs, Rt2
        (.LDXP, 0x001F_0000), (.LDAXP, 0x001F_0000), // Rs
        (.STXR, 0x0000_7C00), (.STLXR, 0x0000_7C00), // Rt2
        (.STLR, 0x001F_7C00), (.LDAR, 0x001F_7C00), // Rs, Rt2
        (.SMULH, 0x0000_7C00), (.UMULH, 0x0000_7C00), // Ra
    ]

    private static func shouldBeOneReason(_ word: UInt32) -> String? {
        for (encoding, mask) in shouldBeOne where word | mask != word {
            let fixed = Decoder.decode(word | mask, at: 0)
            if fixed.isDefined && fixed.encoding == encoding {
                return "\(encoding) with a (1) field not all ones: CONSTRAINED UNPREDICTABLE, UNDEFINED here"
            }
        }
        return nil
    }

    // MARK: SIMD&FP, SVE, SME

    static let simdReason = "SIMD&FP, SVE or SME: the machine is integer-only, as the guest is built -mgeneral-regs-only"

    /// FP/SIMD scalar and vector registers, SVE vectors and predicates, SME arrays.
    nonisolated(unsafe) private static let vectorRegister = #/(?:[bhsdqvz]\d{1,2}|pn?\d{1,2}|za[bhsdq]?\d{0,2}|zt0)(?:\.[0-9a-z]+)?(?:\[.*)?/#
    private static let vectorMnemonics: Set<String> = ["smstart", "smstop", "setffr", "rdffr", "wrffr", "zero",
                                                        "fmov", "rdvl", "addvl", "addpl", "rdsvl", "addsvl", "addspl"]

    private static func usesSIMDOrScalableRegisters(_ text: ObjdumpText) -> Bool {
        if vectorMnemonics.contains(String(text.mnemonic)) { return true }
        return text.operandTokens.contains { $0.wholeMatch(of: vectorRegister) != nil && !$0.hasPrefix("0x") }
    }

    // MARK: System space

    /// MRS/MSR of a register not in `SystemRegister` (or in the wrong direction), MSR (immediate) of a
    /// PSTATE field other than SPSel/DAIFSet/DAIFClr, and SYS-space operations other than the table's
    /// IC/DC: TLBI and AT need an MMU, the others belong to later extensions.
    private static func systemReason(_ text: ObjdumpText) -> String? {
        let operands = text.operandTokens
        switch text.mnemonic {
        case "mrs":
            guard operands.count == 2 else { return nil }
            let register = SystemRegister.allCases.first { $0.name == operands[1] }
            if let register, register.isReadable { return nil }
            return "MRS of a system register this machine does not implement (or cannot read) at EL1"
        case "msr":
            guard operands.count == 2 else { return nil }
            if operands[1].hasPrefix("#") {
                if ["SPSel", "DAIFSet", "DAIFClr"].contains(operands[0]) { return nil }
                return "MSR (immediate) of a PSTATE field of a later extension"
            }
            let register = SystemRegister.allCases.first { $0.name == operands[0] }
            if let register, register.isWritable { return nil }
            return "MSR of a system register this machine does not implement (or cannot write) at EL1"
        case "sys", "sysl", "sysp", "tlbi", "tlbip", "at", "cfp", "dvp", "cpp", "cosp", "brb", "trcit",
             "gcspushm", "gcspopm", "gcsss1", "gcsss2", "gcspushx", "gcspopx", "gcspopcx", "gcsb", "gcsstr",
             "gcssttr", "mrrs", "msrr", "apas", "gcsmv":
            return "system instruction this machine does not implement (TLBI/AT need an MMU; the rest are later extensions)"
        case "dc", "ic":
            let implemented = ["ialluis", "iallu", "ivau", "ivac", "isw", "csw", "cisw", "zva", "cvac", "cvau", "civac"]
            if let operation = operands.first, implemented.contains(operation) { return nil }
            return "cache maintenance operation of a later extension (Armv8.0 has only the table's IC/DC)"
        case "dsb" where operands.first?.hasSuffix("nxs") == true:
            return "DSB nXS (FEAT_XS)"
        case "cfinv", "xaflag", "axflag", "sb":
            return "PSTATE or barrier instruction of a later extension (FEAT_FlagM, FEAT_SB)"
        default:
            return nil
        }
    }

    // MARK: Later extensions and other exception levels, by mnemonic

    nonisolated(unsafe) static let extensionMnemonics: [(Regex<Substring>, String)] = [
        (#/(?:casp?|swp)(?:a|al|l)?t?[bh]?/#, "FEAT_LSE (or FEAT_LSUI) atomics: Armv8.1"),
        (#/(?:ld|st)(?:add|clr|eor|set|smax|smin|umax|umin)(?:a|al|l)?[bh]?/#, "FEAT_LSE atomics: Armv8.1"),
        (#/ldapr.*|ldapur.*|stlur.*|ldiapp|stilp/#, "FEAT_LRCPC/LRCPC2/LRCPC3: Armv8.3+"),
        (#/ldlar[bh]?|stllr[bh]?/#, "FEAT_LOR: Armv8.1"),
        (#/pac.*|aut.*|xpac[id]|braaz?|brabz?|blraaz?|blrabz?|retaa.*|retab.*|eretaa|eretab|ldraa|ldrab/#,
         "FEAT_PAuth (and PAuth_LR): Armv8.3+; only the hint-space PAC instructions exist on an Armv8.0 core"),
        (#/irg|gmi|subps?|cmpp|addg|subg|stz?2?g|stgp|ldg|ldgm|stz?gm/#, "FEAT_MTE: Armv8.5"),
        (#/crc32c?[bhwx]/#, "FEAT_CRC32: left out of the table (clang emits it only with +crc, which the guest is not built with)"),
        (#/abs|cnt|ctz|smax|smin|umax|umin/#, "FEAT_CSSC: Armv8.9"),
        (#/rmif|setf8|setf16/#, "FEAT_FlagM: Armv8.4"),
        (#/tstart|tcommit|tcancel|ttest/#, "FEAT_TME"),
        (#/bc\.[a-z]{2}/#, "FEAT_HBC: Armv8.8"),
        (#/cb[bh]?(?:eq|ne|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)/#, "FEAT_CMPBR: Armv9.6"),
        (#/cpyf?[pme].*|set[pme].*|setg[pme].*/#, "FEAT_MOPS: Armv8.8"),
        (#/rcw.*/#, "FEAT_THE: Armv8.9"),
        (#/ldt(?!r).*|stt(?!r).*|ldatxr|stltxr/#, "FEAT_LSUI: Armv9.6"),
        (#/addpt|subpt|maddpt|msubpt/#, "FEAT_CPA: Armv9.5"),
        (#/ld64b|st64bv?0?/#, "FEAT_LS64: Armv8.7"),
        (#/wfet|wfit/#, "FEAT_WFxT: Armv8.7"),
        (#/hvc|smc|drps|dcps[123]|eretaa|eretab/#, "EL2, EL3 and Debug state do not exist on this machine"),
    ]
}

/// llvm-objdump's instruction text split into mnemonic and operand tokens.
struct ObjdumpText {
    let mnemonic: Substring
    /// The operands split at commas, brackets, braces, spaces and dashes: `x0, [x1, #0x8]!` gives `x0 x1 #0x8`.
    let operandTokens: [String]

    init(_ text: String) {
        let parts = text.split(separator: "\t", maxSplits: 1)
        mnemonic = parts.first ?? ""
        let operands = parts.count > 1 ? parts[1] : ""
        operandTokens = operands.split(whereSeparator: { ",[]{}! -".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
