/// Prints one decoded word in llvm-objdump's syntax.
///
/// Everything it knows about where operands sit comes from the word's table row
/// (`Encoding.field(_:in:)`); values the decoder already computed (absolute targets, bitmask
/// immediates) come from the decoded `Instruction`. The per-class printing lives in extensions,
/// one file per Arm ARM encoding group.
struct InstructionPrinter {
    let word: UInt32
    let address: UInt64
    let instruction: Instruction

    var encoding: Encoding { instruction.encoding }

    /// The value of field `letter` of this word's row.
    func field(_ letter: Unicode.Scalar) -> UInt32 { encoding.field(letter, in: word) }

    /// The `sf` field as a flag: 64-bit operation.
    var sf: Bool { field("z") == 1 }
    /// Register width in bits for the `sf` field.
    var width: Int { sf ? 64 : 32 }

    func print() -> DisassembledInstruction {
        guard instruction.isDefined else { return Self.undefined(word) }
        switch encoding.row.group {
        case .dataProcessingImmediate: return printDataProcessingImmediate()
        case .branchExceptionSystem: return printBranchExceptionSystem()
        case .loadStore: return printLoadStore()
        case .dataProcessingRegister: return printDataProcessingRegister()
        }
    }

    /// What objdump prints for a word no row accepts: `udf #imm` in the permanently undefined space,
    /// `<unknown>` elsewhere.
    static func undefined(_ word: UInt32) -> DisassembledInstruction {
        let udf = EncodingTable.permanentlyUndefined
        if udf.matches(word) {
            return DisassembledInstruction(mnemonic: "udf", operands: "#" + hex(UInt64(udf.field("i", in: word))))
        }
        return DisassembledInstruction(mnemonic: "<unknown>")
    }

    // MARK: Registers

    /// `x<r>`/`w<r>`, with 31 the zero register.
    static func general(_ r: UInt32, is64: Bool) -> String {
        is64 ? RegisterNames.x[Int(r & 31)] : RegisterNames.w[Int(r & 31)]
    }

    /// `x<r>`/`w<r>`, with 31 the stack pointer.
    static func generalOrSP(_ r: UInt32, is64: Bool) -> String {
        if r & 31 == 31 { return is64 ? "sp" : "wsp" }
        return general(r, is64: is64)
    }

    /// Field `letter` as a register of the row's `sf` width, 31 the zero register.
    func reg(_ letter: Unicode.Scalar) -> String { Self.general(field(letter), is64: sf) }

    /// Field `letter` as a register of the row's `sf` width, 31 the stack pointer.
    func regOrSP(_ letter: Unicode.Scalar) -> String { Self.generalOrSP(field(letter), is64: sf) }

    /// Field `letter` as an X register, 31 the zero register.
    func xreg(_ letter: Unicode.Scalar) -> String { Self.general(field(letter), is64: true) }

    /// Field `letter` as a W register, 31 the zero register.
    func wreg(_ letter: Unicode.Scalar) -> String { Self.general(field(letter), is64: false) }

    /// Field `letter` as an X register, 31 the stack pointer (a memory base).
    func base(_ letter: Unicode.Scalar = "n") -> String { Self.generalOrSP(field(letter), is64: true) }

    // MARK: Immediates

    /// `0x` and lower-case hex digits, as objdump prints every hex value.
    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// A signed value in hex: `-0x10` for negatives.
    static func signedHex(_ value: Int64) -> String {
        value < 0 ? "-0x" + String(value.magnitude, radix: 16) : hex(UInt64(value))
    }

    /// `#0x..`: an immediate operand in hex.
    static func immHex(_ value: UInt64) -> String { "#" + hex(value) }

    /// `#-0x..`: a signed immediate operand in hex.
    static func immSignedHex(_ value: Int64) -> String { "#" + signedHex(value) }

    /// `#..`: an immediate operand in decimal (shift amounts, bit positions, widths).
    static func immDecimal(_ value: some BinaryInteger) -> String { "#" + String(value) }

    /// An absolute address operand as objdump prints it (before any ` <symbol>`).
    static func address(_ value: UInt64) -> String { hex(value) }
}

/// Precomputed register names, so printing a register allocates nothing.
enum RegisterNames {
    static let x: [String] = (0..<31).map { "x\($0)" } + ["xzr"]
    static let w: [String] = (0..<31).map { "w\($0)" } + ["wzr"]
}
