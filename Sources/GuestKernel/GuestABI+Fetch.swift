/// The fetch-program part of `pb_abi.h`: the ops the guest's `fetch` handler interprets, the ring
/// it appends records to, and the two register snapshots a program reads.
extension GuestABI {
    /// `struct pb_fetch_op`, `struct pb_fetch_prog`, `struct pb_fetch_ring` and the record format.
    public enum Fetch {
        /// `PB_FETCH_*`: what one op does to the value register `val`.
        public enum Opcode: UInt8, Sendable, CaseIterable {
            /// Ends the program.
            case end = 0
            /// `val = *(u64 *)(regs + imm)`.
            case loadRegister = 1
            /// `val = *(u64 *)(entry_sp + 8 * imm)`.
            case loadStack = 2
            /// `val = imm`.
            case immediate = 3
            /// `val = *(u64 *)(val + imm)`.
            case dereference = 4
            /// `val = val + imm`.
            case add = 5
            /// `val = *(size, is_signed *)(val + imm)`.
            case load = 6
            /// Appends `val` as `size` bytes, sign- or zero-extended to 8.
            case store = 7
            /// Appends `width` bits of the `size`-byte container `val` at `shift`.
            case storeBitfield = 8
            /// Appends the NUL-terminated string at `val`, at most `imm` bytes.
            case storeString = 9
        }

        /// Bytes of one `struct pb_fetch_op`: op, size, is_signed, width, shift, 3 reserved, s64 imm.
        public static let opSize: UInt64 = 16
        /// `PB_FETCH_MAX_OPS`: ops in one program.
        public static var maxOps: Int { GuestABI.fetchMaxOps }
        /// Bytes of `struct pb_fetch_prog`: `nops` then the ops.
        public static var programSize: UInt64 { 8 + UInt64(maxOps) * opSize }
        /// `PB_FETCH_MAX_PAYLOAD`: value bytes one record can carry.
        public static let maxPayload = 512
        /// `PB_FETCH_MAX_STRING`: bytes one string value can carry.
        public static let maxString = 64

        /// Within `struct pb_fetch_ring`: head, tail, dropped, reserved, then the data.
        public static let ringHead: UInt64 = 0
        public static let ringTail: UInt64 = 8
        public static let ringDropped: UInt64 = 16
        public static let ringData: UInt64 = 32
        public static let ringHeaderSize: UInt64 = 32

        /// `struct pb_fetch_record_hdr`: u32 len, u16 type, u16 flags, u64 func, u32 nvalues, u32 regs_kind.
        public static let recordHeaderSize = 24
        /// `PB_REC_*`.
        public static let recordEntry: UInt16 = 1
        public static let recordExit: UInt16 = 2
        public static let recordPad: UInt16 = 3
        /// `PB_RECF_FAULT`: a load hit an address outside RAM or misaligned; its value is 0.
        public static let recordFaultFlag: UInt16 = 1
    }

    /// `PB_KPROBE_MAX_OFFSET`: kprobe attach parameters (offsets from the function's symbol) must be below this.
    public static let kprobeMaxOffset: UInt64 = 1024
    /// `PB_FTRACE_IP_OFFSET`: the patch site's BL, the ftrace location, which kprobes refuse to probe.
    public static let ftraceCallSiteOffset: UInt64 = 4
}

/// The register snapshot a handler gets: x0–x7 sit at the same offsets in both, the rest differ.
public enum RegisterSetKind: String, Sendable, Codable, CaseIterable {
    /// `struct pt_regs` (336 bytes): x0–x30, sp, pc, pstate — BRK exceptions, ftrace-regs, fprobe-ptregs.
    case ptRegs = "pt_regs"
    /// `struct ftrace_regs` (112 bytes): x0–x8, fp, lr, sp, pc — ftrace-args paths and fprobe.
    case ftraceRegs = "ftrace_regs"

    /// The kind a mechanism's handlers see (pb_abi.h's table).
    public init(mechanism: Mechanism) {
        switch mechanism {
        case .ftraceRegs, .kprobeXOL, .kprobeSingleStep, .kprobeSimulate, .kretprobeBRK, .kretprobeTrampoline,
             .fprobePtRegs:
            self = .ptRegs
        default:
            self = .ftraceRegs
        }
    }

    /// The `regs_kind` value records carry (`PB_REGS_FTRACE` = 1, `PB_REGS_PT` = 2).
    public var guestID: UInt32 { self == .ftraceRegs ? 1 : 2 }

    /// The kind whose `regs_kind` value is `guestID`; nil for any other value.
    public init?(guestID: UInt32) {
        guard let kind = Self.allCases.first(where: { $0.guestID == guestID }) else { return nil }
        self = kind
    }

    /// The byte offset of general-purpose register `x<index>` (0…30), or nil when this snapshot lacks it.
    public func generalRegisterOffset(_ index: Int) -> UInt64? {
        switch self {
        case .ptRegs:
            return (0...30).contains(index) ? UInt64(index) * 8 : nil
        case .ftraceRegs:
            switch index {
            case 0...8: return UInt64(index) * 8
            case 29: return 80
            case 30: return 88
            default: return nil
            }
        }
    }

    /// The byte offset of the stack pointer.
    public var stackPointerOffset: UInt64 { self == .ptRegs ? 248 : 96 }
    /// The byte offset of the program counter (at exit: the real return address).
    public var programCounterOffset: UInt64 { self == .ptRegs ? 256 : 104 }
    /// The byte offset of PSTATE (pt_regs only).
    public var processorStateOffset: UInt64? { self == .ptRegs ? 264 : nil }
    /// The size of the struct.
    public var size: UInt64 { self == .ptRegs ? GuestABI.sizeofPtRegs : GuestABI.sizeofFtraceRegs }
}
