/// The operand and mnemonic names llvm-objdump prints, as looked up from field values.
///
/// Each table was read off llvm-objdump 21's output for every value of the field (see the
/// disassembler's differential tests, which keep them honest).
enum AssemblerNames {
    /// Condition names for B.cond, CSEL, CCMP: objdump prints `hs`/`lo`, not `cs`/`cc`.
    static func condition(_ value: UInt32) -> String { conditions[Int(value & 15)] }
    private static let conditions = Condition.allCases.map(\.name)

    /// The inverse condition, as the cset/cinc/cneg aliases print it.
    static func invertedCondition(_ value: UInt32) -> String { condition(value ^ 1) }

    /// The named hints (CRm:op2), as mnemonic and operands; nil prints as `hint #n`.
    static func hint(_ number: Int) -> (String, String)? {
        switch number {
        case 0: return ("nop", "")
        case 1: return ("yield", "")
        case 2: return ("wfe", "")
        case 3: return ("wfi", "")
        case 4: return ("sev", "")
        case 5: return ("sevl", "")
        case 6: return ("dgh", "")
        case 7: return ("xpaclri", "")
        case 8: return ("pacia1716", "")
        case 10: return ("pacib1716", "")
        case 12: return ("autia1716", "")
        case 14: return ("autib1716", "")
        case 16: return ("esb", "")
        case 17: return ("psb", "csync")
        case 18: return ("tsb", "csync")
        case 19: return ("gcsb", "dsync")
        case 20: return ("csdb", "")
        case 22: return ("clrbhb", "")
        case 24: return ("paciaz", "")
        case 25: return ("paciasp", "")
        case 26: return ("pacibz", "")
        case 27: return ("pacibsp", "")
        case 28: return ("autiaz", "")
        case 29: return ("autiasp", "")
        case 30: return ("autibz", "")
        case 31: return ("autibsp", "")
        case 32: return ("bti", "")
        case 34: return ("bti", "c")
        case 36: return ("bti", "j")
        case 38: return ("bti", "jc")
        case 39: return ("pacm", "")
        case 40: return ("chkfeat", "x16")
        default: return nil
        }
    }

    /// DMB/DSB option names by CRm; nil prints as `#imm`.
    static func barrierOption(_ crm: UInt32) -> String? { barrierOptions[Int(crm & 15)] }
    private static let barrierOptions: [String?] = [
        nil, "oshld", "oshst", "osh", nil, "nshld", "nshst", "nsh",
        nil, "ishld", "ishst", "ish", nil, "ld", "st", "sy",
    ]

    /// The IC/DC mnemonic, operation name, and whether the operation takes an address register.
    static func cacheMaintenance(_ encoding: Encoding) -> (String, String, Bool) {
        switch encoding {
        case .IC_IALLUIS: return ("ic", "ialluis", false)
        case .IC_IALLU: return ("ic", "iallu", false)
        case .IC_IVAU: return ("ic", "ivau", true)
        case .DC_IVAC: return ("dc", "ivac", true)
        case .DC_ISW: return ("dc", "isw", true)
        case .DC_CSW: return ("dc", "csw", true)
        case .DC_CISW: return ("dc", "cisw", true)
        case .DC_ZVA: return ("dc", "zva", true)
        case .DC_CVAC: return ("dc", "cvac", true)
        case .DC_CVAU: return ("dc", "cvau", true)
        default: return ("dc", "civac", true)
        }
    }

    /// The PRFM operation for an Rt value (type, target, policy); nil prints as `#imm`.
    static func prefetchOperation(_ rt: UInt32) -> String? {
        let type = rt >> 3, target = rt >> 1 & 3, policy = rt & 1
        guard type < 3 else { return nil }
        return ["pld", "pli", "pst"][Int(type)] + ["l1", "l2", "l3", "slc"][Int(target)] + (policy == 0 ? "keep" : "strm")
    }

    /// The RPRFM operation names; nil prints as `#imm`.
    static func rangePrefetchOperation(_ operation: UInt32) -> String? {
        switch operation {
        case 0: return "pldkeep"
        case 1: return "pstkeep"
        case 4: return "pldstrm"
        case 5: return "pststrm"
        default: return nil
        }
    }

    /// Shift names by the `shift` field.
    static func shift(_ value: UInt32) -> String { shifts[Int(value & 3)] }
    private static let shifts = ["lsl", "lsr", "asr", "ror"]

    /// Extend names by the `option` field.
    static func extend(_ value: UInt32) -> String { extends[Int(value & 7)] }
    private static let extends = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"]
}
