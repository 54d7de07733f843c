/// Loads and stores: exclusive and acquire/release forms, literal loads with absolute addresses,
/// pairs and single registers in every addressing mode, and prefetches with their operation names.
extension InstructionPrinter {
    func printLoadStore() -> DisassembledInstruction {
        switch encoding {
        case .STXR, .STLXR, .LDXR, .LDAXR, .STLR, .LDAR:
            return printExclusiveOrOrdered()
        case .STXP, .STLXP, .LDXP, .LDAXP:
            return printExclusivePair()
        case .LDR_lit, .LDRSW_lit, .PRFM_lit:
            return printLiteral()
        case .STNP, .LDNP, .STP_post, .LDP_post, .STP, .LDP, .STP_pre, .LDP_pre, .LDPSW_post, .LDPSW, .LDPSW_pre:
            return printPair()
        case .LDST_reg:
            return printRegisterOffset()
        default:
            return printSingleImmediate()
        }
    }

    /// `[<base>]`
    private var plainAddress: String { "[" + base() + "]" }

    /// The `b`/`h` suffix of a byte or halfword access by the `size` field, empty for words and doublewords.
    private static func sizeSuffix(_ size: UInt32) -> String { size == 0 ? "b" : size == 1 ? "h" : "" }

    private func printExclusiveOrOrdered() -> DisassembledInstruction {
        let size = field("x")
        let stem: String
        switch encoding {
        case .STXR: stem = "stxr"
        case .STLXR: stem = "stlxr"
        case .LDXR: stem = "ldxr"
        case .LDAXR: stem = "ldaxr"
        case .STLR: stem = "stlr"
        default: stem = "ldar"
        }
        let value = Self.general(field("t"), is64: size == 3)
        let status = encoding == .STXR || encoding == .STLXR ? wreg("s") + ", " : ""
        return DisassembledInstruction(mnemonic: stem + Self.sizeSuffix(size),
                                       operands: status + value + ", " + plainAddress)
    }

    private func printExclusivePair() -> DisassembledInstruction {
        let mnemonic: String
        switch encoding {
        case .STXP: mnemonic = "stxp"
        case .STLXP: mnemonic = "stlxp"
        case .LDXP: mnemonic = "ldxp"
        default: mnemonic = "ldaxp"
        }
        let status = encoding == .STXP || encoding == .STLXP ? wreg("s") + ", " : ""
        return DisassembledInstruction(mnemonic: mnemonic,
                                       operands: status + reg("t") + ", " + reg("u") + ", " + plainAddress)
    }

    private func printLiteral() -> DisassembledInstruction {
        let target = instruction.imm
        let first: String
        switch encoding {
        case .LDR_lit: first = reg("t")
        case .LDRSW_lit: first = xreg("t")
        default: first = Self.prefetchOperation(field("t"))
        }
        let mnemonic = encoding == .PRFM_lit ? "prfm" : encoding == .LDRSW_lit ? "ldrsw" : "ldr"
        return DisassembledInstruction(mnemonic: mnemonic, operands: first + ", " + Self.address(target), target: target)
    }

    /// A PRFM operation name, or `#imm` for the unnamed ones.
    private static func prefetchOperation(_ rt: UInt32) -> String {
        AssemblerNames.prefetchOperation(rt) ?? immHex(UInt64(rt))
    }

    private func printPair() -> DisassembledInstruction {
        let mnemonic: String
        switch encoding {
        case .STNP: mnemonic = "stnp"
        case .LDNP: mnemonic = "ldnp"
        case .STP, .STP_pre, .STP_post: mnemonic = "stp"
        case .LDP, .LDP_pre, .LDP_post: mnemonic = "ldp"
        default: mnemonic = "ldpsw"
        }
        let is64 = instruction.is64
        let registers = Self.general(field("t"), is64: is64) + ", " + Self.general(field("u"), is64: is64) + ", "
        let offset = Int64(bitPattern: instruction.imm)
        return DisassembledInstruction(mnemonic: mnemonic, operands: registers + indexedAddress(offset))
    }

    /// `[base, #off]`, `[base, #off]!` or `[base], #off` by the decoded writeback flags; a zero
    /// offset without writeback is just `[base]`.
    private func indexedAddress(_ offset: Int64) -> String {
        if instruction.flags.contains(.postIndex) {
            return "[" + base() + "], " + Self.immSignedHex(offset)
        }
        if instruction.flags.contains(.writeback) {
            return "[" + base() + ", " + Self.immSignedHex(offset) + "]!"
        }
        return offset == 0 ? plainAddress : "[" + base() + ", " + Self.immSignedHex(offset) + "]"
    }

    /// The mnemonic of a single-register access from `size` and `opc`, with the stem of its addressing
    /// mode (`ldr`, `ldur`, `ldtr`), and the register the transfer names.
    private func singleRegisterAccess(stem: (load: String, store: String)) -> (mnemonic: String, register: String) {
        let size = field("x"), opc = field("o")
        switch opc {
        case 0b00:
            return (stem.store + Self.sizeSuffix(size), Self.general(field("t"), is64: size == 3))
        case 0b01:
            return (stem.load + Self.sizeSuffix(size), Self.general(field("t"), is64: size == 3))
        default:
            let suffix = size == 0 ? "sb" : size == 1 ? "sh" : "sw"
            return (stem.load + suffix, Self.general(field("t"), is64: opc == 0b10))
        }
    }

    /// Whether the single-register access is PRFM (size 3, opc 2).
    private var isPrefetch: Bool { instruction.operation == .prefetch }

    private func printSingleImmediate() -> DisassembledInstruction {
        let stem: (load: String, store: String)
        switch encoding {
        case .LDST_unscaled: stem = ("ldur", "stur")
        case .LDST_unpriv: stem = ("ldtr", "sttr")
        default: stem = ("ldr", "str")
        }
        let offset = Int64(bitPattern: instruction.imm)
        if isPrefetch {
            return DisassembledInstruction(mnemonic: encoding == .LDST_unscaled ? "prfum" : "prfm",
                                           operands: Self.prefetchOperation(field("t")) + ", " + indexedAddress(offset))
        }
        let (mnemonic, register) = singleRegisterAccess(stem: stem)
        return DisassembledInstruction(mnemonic: mnemonic, operands: register + ", " + indexedAddress(offset))
    }

    private func printRegisterOffset() -> DisassembledInstruction {
        let option = field("e")
        let scaled = field("S") == 1
        if isPrefetch && field("t") >> 3 == 0b11 { return printRangePrefetch() }
        let indexIs64 = option & 1 == 1
        var address = "[" + base() + ", " + Self.general(field("m"), is64: indexIs64)
        if option == 0b011 {
            if scaled { address += ", lsl #" + String(field("x")) }
        } else {
            address += ", " + AssemblerNames.extend(option)
            if scaled { address += " #" + String(field("x")) }
        }
        address += "]"
        if isPrefetch {
            return DisassembledInstruction(mnemonic: "prfm", operands: Self.prefetchOperation(field("t")) + ", " + address)
        }
        let (mnemonic, register) = singleRegisterAccess(stem: ("ldr", "str"))
        return DisassembledInstruction(mnemonic: mnemonic, operands: register + ", " + address)
    }

    /// PRFM (register) with prefetch type 3 is RPRFM, the range prefetch hint, which objdump prints
    /// with its own operation (option<2>:option<0>:S:Rt<2:0>) and the index register always as X.
    /// A core without the feature executes it as the PRFM hint it also is: as a NOP.
    private func printRangePrefetch() -> DisassembledInstruction {
        let option = field("e")
        let operation = (option >> 2) << 5 | (option & 1) << 4 | field("S") << 3 | field("t") & 0b111
        let name = AssemblerNames.rangePrefetchOperation(operation) ?? Self.immHex(UInt64(operation))
        return DisassembledInstruction(mnemonic: "rprfm", operands: name + ", " + xreg("m") + ", " + plainAddress)
    }
}
