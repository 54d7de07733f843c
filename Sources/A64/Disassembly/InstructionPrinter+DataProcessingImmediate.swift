/// Data processing — immediate: ADR/ADRP, add/subtract, logical, move wide, bitfield, extract,
/// with objdump's aliases (mov, cmp, cmn, tst, the shifts, the bitfield and extend aliases, ror).
extension InstructionPrinter {
    func printDataProcessingImmediate() -> DisassembledInstruction {
        switch encoding {
        case .ADR, .ADRP:
            let target = instruction.imm
            return DisassembledInstruction(mnemonic: encoding == .ADR ? "adr" : "adrp",
                                           operands: xreg("d") + ", " + Self.address(target), target: target)
        case .ADD_imm, .ADDS_imm, .SUB_imm, .SUBS_imm:
            return printAddSubtractImmediate()
        case .AND_imm, .ORR_imm, .EOR_imm, .ANDS_imm:
            return printLogicalImmediate()
        case .MOVN, .MOVZ, .MOVK:
            return printMoveWide()
        case .SBFM, .UBFM:
            return printSignedOrUnsignedBitfield()
        case .BFM:
            return printBitfieldMove()
        default:
            return printExtract()
        }
    }

    private func printAddSubtractImmediate() -> DisassembledInstruction {
        let immediate = UInt64(field("i"))
        let shifted = field("h") == 1
        let d = field("d"), n = field("n")
        var operand = Self.immHex(immediate)
        var comment: String?
        if shifted {
            operand += ", lsl #12"
            comment = "=" + Self.hex(immediate << 12)
        }
        let setsFlags = encoding == .ADDS_imm || encoding == .SUBS_imm
        let isAdd = encoding == .ADD_imm || encoding == .ADDS_imm
        if encoding == .ADD_imm, !shifted, immediate == 0, d == 31 || n == 31 {
            return DisassembledInstruction(mnemonic: "mov", operands: regOrSP("d") + ", " + regOrSP("n"))
        }
        if setsFlags, d == 31 {
            return DisassembledInstruction(mnemonic: isAdd ? "cmn" : "cmp",
                                           operands: regOrSP("n") + ", " + operand, comment: comment)
        }
        let mnemonic = isAdd ? (setsFlags ? "adds" : "add") : (setsFlags ? "subs" : "sub")
        let destination = setsFlags ? reg("d") : regOrSP("d")
        return DisassembledInstruction(mnemonic: mnemonic, operands: destination + ", " + regOrSP("n") + ", " + operand,
                                       comment: comment)
    }

    private func printLogicalImmediate() -> DisassembledInstruction {
        let mask = instruction.imm
        switch encoding {
        case .ORR_imm where field("n") == 31 && !MoveWideAlias.anyMoveWide(mask, width: width):
            return moveImmediate(mask)
        case .ANDS_imm where field("d") == 31:
            return DisassembledInstruction(mnemonic: "tst", operands: reg("n") + ", " + Self.immHex(mask))
        default:
            let mnemonic: String
            switch encoding {
            case .AND_imm: mnemonic = "and"
            case .ORR_imm: mnemonic = "orr"
            case .EOR_imm: mnemonic = "eor"
            default: mnemonic = "ands"
            }
            let destination = encoding == .ANDS_imm ? reg("d") : regOrSP("d")
            return DisassembledInstruction(mnemonic: mnemonic,
                                           operands: destination + ", " + reg("n") + ", " + Self.immHex(mask))
        }
    }

    /// `mov <Rd>, #<value>` with the value signed at the register width, and its decimal comment.
    private func moveImmediate(_ value: UInt64) -> DisassembledInstruction {
        let signed = Int64(bitPattern: BitMasks.signExtend(value, bits: width))
        let destination = encoding == .ORR_imm ? regOrSP("d") : reg("d")
        return DisassembledInstruction(mnemonic: "mov", operands: destination + ", " + Self.immSignedHex(signed),
                                       comment: "=" + String(signed))
    }

    private func printMoveWide() -> DisassembledInstruction {
        let immediate = UInt64(field("i"))
        let shift = Int(field("h")) * 16
        let value = (immediate << UInt64(shift)) & BitMasks.ones(width)
        switch encoding {
        case .MOVZ where MoveWideAlias.isMoveZero(value, shift: shift, width: width):
            return moveImmediate(value)
        case .MOVN where MoveWideAlias.isMoveNot(~value & BitMasks.ones(width), shift: shift, width: width):
            return moveImmediate(~value & BitMasks.ones(width))
        default:
            let mnemonic = encoding == .MOVZ ? "movz" : encoding == .MOVN ? "movn" : "movk"
            var operands = reg("d") + ", " + Self.immHex(immediate)
            if shift != 0 { operands += ", lsl " + Self.immDecimal(shift) }
            return DisassembledInstruction(mnemonic: mnemonic, operands: operands)
        }
    }

    /// SBFM and UBFM through their aliases, in LLVM's order of preference: the extends, the
    /// immediate shifts, the inserts, then the extracts.
    private func printSignedOrUnsignedBitfield() -> DisassembledInstruction {
        let signed = encoding == .SBFM
        let immr = Int(field("r")), imms = Int(field("k"))
        let top = width - 1
        if immr == 0 {
            var extend: String?
            switch imms {
            case 7: extend = signed ? "sxtb" : (sf ? nil : "uxtb")
            case 15: extend = signed ? "sxth" : (sf ? nil : "uxth")
            case 31: extend = signed && sf ? "sxtw" : nil
            default: break
            }
            if let extend {
                return DisassembledInstruction(mnemonic: extend, operands: reg("d") + ", " + wreg("n"))
            }
        }
        let shift: (String, Int)?
        if !signed && imms != top && imms + 1 == immr {
            shift = ("lsl", top - imms)
        } else if imms == top {
            shift = (signed ? "asr" : "lsr", immr)
        } else {
            shift = nil
        }
        if let (mnemonic, amount) = shift {
            return DisassembledInstruction(mnemonic: mnemonic,
                                           operands: reg("d") + ", " + reg("n") + ", " + Self.immDecimal(amount))
        }
        if immr > imms {
            return DisassembledInstruction(
                mnemonic: signed ? "sbfiz" : "ubfiz",
                operands: reg("d") + ", " + reg("n") + ", " + Self.immDecimal(width - immr) + ", " + Self.immDecimal(imms + 1))
        }
        return DisassembledInstruction(
            mnemonic: signed ? "sbfx" : "ubfx",
            operands: reg("d") + ", " + reg("n") + ", " + Self.immDecimal(immr) + ", " + Self.immDecimal(imms - immr + 1))
    }

    /// BFM as BFI or BFXIL (objdump does not print BFC for this target).
    private func printBitfieldMove() -> DisassembledInstruction {
        let immr = Int(field("r")), imms = Int(field("k"))
        if imms < immr {
            return DisassembledInstruction(
                mnemonic: "bfi",
                operands: reg("d") + ", " + reg("n") + ", " + Self.immDecimal((width - immr) % width) + ", "
                    + Self.immDecimal(imms + 1))
        }
        return DisassembledInstruction(
            mnemonic: "bfxil",
            operands: reg("d") + ", " + reg("n") + ", " + Self.immDecimal(immr) + ", " + Self.immDecimal(imms - immr + 1))
    }

    private func printExtract() -> DisassembledInstruction {
        let lsb = Self.immHex(UInt64(field("k")))
        if field("n") == field("m") {
            return DisassembledInstruction(mnemonic: "ror", operands: reg("d") + ", " + reg("n") + ", " + lsb)
        }
        return DisassembledInstruction(mnemonic: "extr", operands: reg("d") + ", " + reg("n") + ", " + reg("m") + ", " + lsb)
    }
}

/// LLVM's rules for when a constant is printed as `mov` rather than as the MOVZ/MOVN/ORR that holds it.
enum MoveWideAlias {
    /// Whether MOVZ at `shift` makes `value` (and is the preferred form: `#0` is only MOVZ at shift 0).
    static func isMoveZero(_ value: UInt64, shift: Int, width: Int) -> Bool {
        let value = value & BitMasks.ones(width)
        if value == 0 && shift != 0 { return false }
        return value & ~(0xFFFF << UInt64(shift)) == 0
    }

    /// Whether some MOVZ makes `value`.
    static func anyMoveZero(_ value: UInt64, width: Int) -> Bool {
        stride(from: 0, through: width - 16, by: 16).contains { value & ~(0xFFFF << UInt64($0)) == 0 }
    }

    /// Whether `value` is a MOVN at `shift` that no MOVZ could make instead.
    static func isMoveNot(_ value: UInt64, shift: Int, width: Int) -> Bool {
        let value = value & BitMasks.ones(width)
        if anyMoveZero(value, width: width) { return false }
        return isMoveZero(~value & BitMasks.ones(width), shift: shift, width: width)
    }

    /// Whether some MOVZ or MOVN makes `value`: then ORR with the zero register is not printed as `mov`.
    static func anyMoveWide(_ value: UInt64, width: Int) -> Bool {
        anyMoveZero(value, width: width) || anyMoveZero(~value & BitMasks.ones(width), width: width)
    }
}
