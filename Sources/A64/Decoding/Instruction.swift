/// A decoded A64 instruction, ready to execute: the operation plus pre-extracted, pre-mapped operands.
///
/// Register operands are *slots* in the emulator's register file (see `RegisterSlot`): the decoder
/// has already resolved whether register 31 means the zero register or the stack pointer, so the
/// executor never tests for it. Branch and literal targets are absolute addresses, because an
/// instruction is decoded for the address it sits at.
public struct Instruction: Sendable, Hashable {
    /// What to do.
    public var operation: Operation
    /// Width, writeback and signedness details.
    public var flags: InstructionFlags
    /// Destination slot (Rd, or Rt for loads and stores).
    public var rd: UInt8
    /// First source slot (Rn, or the base register of a memory access).
    public var rn: UInt8
    /// Second source slot (Rm, or Rs for a store-exclusive status).
    public var rm: UInt8
    /// Third register slot (Ra, or Rt2 for pairs).
    public var ra: UInt8
    /// Shift type, extend type, condition, barrier option or cache operation, by operation.
    public var option: UInt8
    /// Shift amount, bit position, least significant bit or NZCV value, by operation.
    public var amount: UInt8
    /// Memory access size in bytes, or a bitfield width.
    public var size: UInt8
    /// The table row this instruction was decoded from.
    public var encoding: Encoding
    /// The instruction word.
    public var word: UInt32
    /// Immediate, offset, mask, absolute target address or system register id, by operation.
    public var imm: UInt64

    public init(
        operation: Operation, flags: InstructionFlags = [], rd: UInt8 = RegisterSlot.discard,
        rn: UInt8 = RegisterSlot.zero, rm: UInt8 = RegisterSlot.zero, ra: UInt8 = RegisterSlot.zero,
        option: UInt8 = 0, amount: UInt8 = 0, size: UInt8 = 0, encoding: Encoding, word: UInt32, imm: UInt64 = 0
    ) {
        self.operation = operation
        self.flags = flags
        self.rd = rd
        self.rn = rn
        self.rm = rm
        self.ra = ra
        self.option = option
        self.amount = amount
        self.size = size
        self.encoding = encoding
        self.word = word
        self.imm = imm
    }

    /// The instruction for a word that no table row accepts.
    public static func undefined(_ word: UInt32) -> Instruction {
        Instruction(operation: .undefined, encoding: .HINT, word: word)
    }

    /// Whether the word decoded to an implemented encoding.
    @inlinable
    public var isDefined: Bool { operation != .undefined }

    /// Whether this instruction can change the PC other than by falling through, so it ends a block.
    @inlinable
    public var endsBlock: Bool { operation.endsBlock }

    /// Whether the operation works on 64-bit registers (`sf` = 1).
    @inlinable
    public var is64: Bool { flags.contains(.is64) }
}

/// Modifiers of an `Instruction`'s operation.
public struct InstructionFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 64-bit operation (sf = 1); otherwise 32-bit with the result zero-extended.
    public static let is64 = InstructionFlags(rawValue: 1 << 0)
    /// Memory access writes the updated address back to the base register.
    public static let writeback = InstructionFlags(rawValue: 1 << 1)
    /// Memory access uses the unmodified base and writes back base + offset afterwards.
    public static let postIndex = InstructionFlags(rawValue: 1 << 2)
    /// Load sign-extends the value read.
    public static let signed = InstructionFlags(rawValue: 1 << 3)
    /// Load-acquire or store-release ordering (no effect on one in-order core, kept for disassembly and timing).
    public static let ordered = InstructionFlags(rawValue: 1 << 4)
    /// The second operand is the immediate `imm` rather than a register (CCMP, CCMN).
    public static let immediateOperand = InstructionFlags(rawValue: 1 << 5)
    /// An unprivileged access (LDTR/STTR): at EL1 without PAN/UAO it behaves as an ordinary access.
    public static let unprivileged = InstructionFlags(rawValue: 1 << 6)
}

/// Slots of the emulator's register file as the decoder hands them out.
public enum RegisterSlot {
    /// Slots 0–30 are X0–X30.
    public static let lastGeneral: UInt8 = 30
    /// Reads as zero: register 31 where it names XZR/WZR as a source.
    public static let zero: UInt8 = 31
    /// Writes are discarded: register 31 where it names XZR/WZR as a destination.
    public static let discard: UInt8 = 32
    /// The stack pointer of the current exception level: register 31 where it names SP/WSP.
    public static let stackPointer: UInt8 = 33
    /// How many slots a register file needs.
    public static let count = 34

    /// Register number `r` used as a source where 31 means the zero register.
    @inlinable
    public static func zeroRead(_ r: UInt32) -> UInt8 { UInt8(r) }

    /// Register number `r` used as a destination where 31 means the zero register.
    @inlinable
    public static func zeroWrite(_ r: UInt32) -> UInt8 { r == 31 ? discard : UInt8(r) }

    /// Register number `r` where 31 means the stack pointer, as a source or a destination.
    @inlinable
    public static func stackOrGeneral(_ r: UInt32) -> UInt8 { r == 31 ? stackPointer : UInt8(r) }
}
