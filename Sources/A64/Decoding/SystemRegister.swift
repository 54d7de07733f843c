/// The system registers MRS and MSR may name on this machine, keyed by their (op0, op1, CRn, CRm, op2) encoding.
///
/// Any other encoding is UNDEFINED, as on a core that does not implement it.
public enum SystemRegister: UInt16, Sendable, CaseIterable {
    // Raw value: op0:op1:CRn:CRm:op2, 16 bits, as in the MRS/MSR encoding.
    case MDSCR_EL1 = 0b10_000_0000_0010_010
    case OSLAR_EL1 = 0b10_000_0001_0000_100
    case OSLSR_EL1 = 0b10_000_0001_0001_100
    case OSDLR_EL1 = 0b10_000_0001_0011_100
    case MIDR_EL1 = 0b11_000_0000_0000_000
    case MPIDR_EL1 = 0b11_000_0000_0000_101
    case SCTLR_EL1 = 0b11_000_0001_0000_000
    case CPACR_EL1 = 0b11_000_0001_0000_010
    case SPSR_EL1 = 0b11_000_0100_0000_000
    case ELR_EL1 = 0b11_000_0100_0000_001
    case SP_EL0 = 0b11_000_0100_0001_000
    case SPSel = 0b11_000_0100_0010_000
    case CurrentEL = 0b11_000_0100_0010_010
    case ESR_EL1 = 0b11_000_0101_0010_000
    case FAR_EL1 = 0b11_000_0110_0000_000
    case VBAR_EL1 = 0b11_000_1100_0000_000
    case TPIDR_EL1 = 0b11_000_1101_0000_100
    case CTR_EL0 = 0b11_011_0000_0000_001
    case DCZID_EL0 = 0b11_011_0000_0000_111
    case NZCV = 0b11_011_0100_0010_000
    case DAIF = 0b11_011_0100_0010_001
    case TPIDR_EL0 = 0b11_011_1101_0000_010
    case CNTFRQ_EL0 = 0b11_011_1110_0000_000
    case CNTVCT_EL0 = 0b11_011_1110_0000_010

    /// The encoding fields as they sit in bits 20:5 of an MRS/MSR word.
    public init?(encodedFields: UInt32) {
        self.init(rawValue: UInt16(truncatingIfNeeded: encodedFields))
    }

    /// Whether MRS may read the register at EL1.
    public var isReadable: Bool { self != .OSLAR_EL1 }

    /// Whether MSR may write the register at EL1.
    public var isWritable: Bool {
        switch self {
        case .OSLSR_EL1, .MIDR_EL1, .MPIDR_EL1, .CurrentEL, .CTR_EL0, .DCZID_EL0, .CNTVCT_EL0: return false
        default: return true
        }
    }

    /// The name llvm-objdump prints.
    public var name: String {
        switch self {
        case .SPSel: return "SPSel"
        case .CurrentEL: return "CurrentEL"
        default: return "\(self)"
        }
    }
}
