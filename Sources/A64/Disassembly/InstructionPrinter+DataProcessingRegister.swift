/// Data processing — register: logical and arithmetic with shifted or extended registers, carry,
/// conditional compare and select, one-, two- and three-source operations, with objdump's aliases
/// (mov, mvn, tst, neg, negs, cmp, cmn, ngc, ngcs, cset, csetm, cinc, cinv, cneg, the variable
/// shifts, mul, mneg, smull, umull, smnegl, umnegl).
extension InstructionPrinter {
    func printDataProcessingRegister() -> DisassembledInstruction {
        switch encoding {
        case .AND_reg, .BIC_reg, .ORR_reg, .ORN_reg, .EOR_reg, .EON_reg, .ANDS_reg, .BICS_reg:
            return printLogicalShifted()
        case .ADD_shift, .ADDS_shift, .SUB_shift, .SUBS_shift:
            return printAddSubtractShifted()
        case .ADD_ext, .ADDS_ext, .SUB_ext, .SUBS_ext:
            return printAddSubtractExtended()
        case .ADC, .ADCS, .SBC, .SBCS:
            return printWithCarry()
        case .CCMN_reg, .CCMP_reg, .CCMN_imm, .CCMP_imm:
            return printConditionalCompare()
        case .CSEL, .CSINC, .CSINV, .CSNEG:
            return printConditionalSelect()
        case .RBIT, .REV16, .REV_32, .REV32, .REV_64, .CLZ, .CLS:
            return printOneSource()
        case .UDIV, .SDIV, .LSLV, .LSRV, .ASRV, .RORV:
            return printTwoSource()
        default:
            return printThreeSource()
        }
    }

    /// `, <shift> #<amount>` after a shifted register, omitted for `lsl #0`.
    private var shiftSuffix: String {
        let type = field("y"), amount = field("k")
        if type == 0 && amount == 0 { return "" }
        return ", " + AssemblerNames.shift(type) + " #" + String(amount)
    }

    private func printLogicalShifted() -> DisassembledInstruction {
        let n = field("n"), d = field("d")
        let shifted = reg("m") + shiftSuffix
        switch encoding {
        case .ORR_reg where n == 31 && field("y") == 0 && field("k") == 0:
            return DisassembledInstruction(mnemonic: "mov", operands: reg("d") + ", " + reg("m"))
        case .ORN_reg where n == 31:
            return DisassembledInstruction(mnemonic: "mvn", operands: reg("d") + ", " + shifted)
        case .ANDS_reg where d == 31:
            return DisassembledInstruction(mnemonic: "tst", operands: reg("n") + ", " + shifted)
        default:
            let mnemonic: String
            switch encoding {
            case .AND_reg: mnemonic = "and"
            case .BIC_reg: mnemonic = "bic"
            case .ORR_reg: mnemonic = "orr"
            case .ORN_reg: mnemonic = "orn"
            case .EOR_reg: mnemonic = "eor"
            case .EON_reg: mnemonic = "eon"
            case .ANDS_reg: mnemonic = "ands"
            default: mnemonic = "bics"
            }
            return DisassembledInstruction(mnemonic: mnemonic, operands: reg("d") + ", " + reg("n") + ", " + shifted)
        }
    }

    private func printAddSubtractShifted() -> DisassembledInstruction {
        let n = field("n"), d = field("d")
        let shifted = reg("m") + shiftSuffix
        switch encoding {
        case .ADDS_shift where d == 31:
            return DisassembledInstruction(mnemonic: "cmn", operands: reg("n") + ", " + shifted)
        case .SUBS_shift where d == 31:
            return DisassembledInstruction(mnemonic: "cmp", operands: reg("n") + ", " + shifted)
        case .SUB_shift where n == 31, .SUBS_shift where n == 31:
            return DisassembledInstruction(mnemonic: encoding == .SUB_shift ? "neg" : "negs",
                                           operands: reg("d") + ", " + shifted)
        default:
            let mnemonic: String
            switch encoding {
            case .ADD_shift: mnemonic = "add"
            case .ADDS_shift: mnemonic = "adds"
            case .SUB_shift: mnemonic = "sub"
            default: mnemonic = "subs"
            }
            return DisassembledInstruction(mnemonic: mnemonic, operands: reg("d") + ", " + reg("n") + ", " + shifted)
        }
    }

    /// Extended register: UXTW (32-bit) or UXTX (64-bit) next to the stack pointer prints as `lsl`,
    /// or not at all with a zero amount.
    private func printAddSubtractExtended() -> DisassembledInstruction {
        let option = field("e"), amount = field("i")
        let setsFlags = encoding == .ADDS_ext || encoding == .SUBS_ext
        let d = field("d"), n = field("n")
        let destinationIsSP = !setsFlags && d == 31
        var extended = Self.general(field("m"), is64: sf && option & 0b011 == 0b011)
        if (destinationIsSP || n == 31) && option == (sf ? 0b011 : 0b010) {
            if amount != 0 { extended += ", lsl #" + String(amount) }
        } else {
            extended += ", " + AssemblerNames.extend(option)
            if amount != 0 { extended += " #" + String(amount) }
        }
        if setsFlags && d == 31 {
            return DisassembledInstruction(mnemonic: encoding == .ADDS_ext ? "cmn" : "cmp",
                                           operands: regOrSP("n") + ", " + extended)
        }
        let mnemonic: String
        switch encoding {
        case .ADD_ext: mnemonic = "add"
        case .ADDS_ext: mnemonic = "adds"
        case .SUB_ext: mnemonic = "sub"
        default: mnemonic = "subs"
        }
        let destination = setsFlags ? reg("d") : regOrSP("d")
        return DisassembledInstruction(mnemonic: mnemonic, operands: destination + ", " + regOrSP("n") + ", " + extended)
    }

    private func printWithCarry() -> DisassembledInstruction {
        switch encoding {
        case .SBC where field("n") == 31, .SBCS where field("n") == 31:
            return DisassembledInstruction(mnemonic: encoding == .SBC ? "ngc" : "ngcs", operands: reg("d") + ", " + reg("m"))
        default:
            let mnemonic = encoding == .ADC ? "adc" : encoding == .ADCS ? "adcs" : encoding == .SBC ? "sbc" : "sbcs"
            return DisassembledInstruction(mnemonic: mnemonic, operands: reg("d") + ", " + reg("n") + ", " + reg("m"))
        }
    }

    private func printConditionalCompare() -> DisassembledInstruction {
        let isImmediate = encoding == .CCMN_imm || encoding == .CCMP_imm
        let isNegative = encoding == .CCMN_imm || encoding == .CCMN_reg
        let second = isImmediate ? Self.immHex(UInt64(field("i"))) : reg("m")
        return DisassembledInstruction(
            mnemonic: isNegative ? "ccmn" : "ccmp",
            operands: reg("n") + ", " + second + ", " + Self.immHex(UInt64(field("f"))) + ", "
                + AssemblerNames.condition(field("c")))
    }

    /// CSEL and friends; the one- and two-register aliases need a condition other than AL and NV.
    private func printConditionalSelect() -> DisassembledInstruction {
        let n = field("n"), m = field("m"), condition = field("c")
        let aliasable = condition < 0b1110 && n == m
        let inverted = AssemblerNames.invertedCondition(condition)
        switch encoding {
        case .CSINC where aliasable && n == 31, .CSINV where aliasable && n == 31:
            return DisassembledInstruction(mnemonic: encoding == .CSINC ? "cset" : "csetm",
                                           operands: reg("d") + ", " + inverted)
        case .CSINC where aliasable, .CSINV where aliasable, .CSNEG where aliasable:
            let mnemonic = encoding == .CSINC ? "cinc" : encoding == .CSINV ? "cinv" : "cneg"
            return DisassembledInstruction(mnemonic: mnemonic, operands: reg("d") + ", " + reg("n") + ", " + inverted)
        default:
            let mnemonic = encoding == .CSEL ? "csel" : encoding == .CSINC ? "csinc" : encoding == .CSINV ? "csinv" : "csneg"
            return DisassembledInstruction(
                mnemonic: mnemonic,
                operands: reg("d") + ", " + reg("n") + ", " + reg("m") + ", " + AssemblerNames.condition(condition))
        }
    }

    private func printOneSource() -> DisassembledInstruction {
        let mnemonic: String
        switch encoding {
        case .RBIT: mnemonic = "rbit"
        case .REV16: mnemonic = "rev16"
        case .REV32: mnemonic = "rev32"
        case .REV_32, .REV_64: mnemonic = "rev"
        case .CLZ: mnemonic = "clz"
        default: mnemonic = "cls"
        }
        let is64 = instruction.is64
        return DisassembledInstruction(
            mnemonic: mnemonic,
            operands: Self.general(field("d"), is64: is64) + ", " + Self.general(field("n"), is64: is64))
    }

    private func printTwoSource() -> DisassembledInstruction {
        let mnemonic: String
        switch encoding {
        case .UDIV: mnemonic = "udiv"
        case .SDIV: mnemonic = "sdiv"
        case .LSLV: mnemonic = "lsl"
        case .LSRV: mnemonic = "lsr"
        case .ASRV: mnemonic = "asr"
        default: mnemonic = "ror"
        }
        return DisassembledInstruction(mnemonic: mnemonic, operands: reg("d") + ", " + reg("n") + ", " + reg("m"))
    }

    /// Multiply-add and friends; with the zero register as addend they print as mul, mneg, smull, …
    private func printThreeSource() -> DisassembledInstruction {
        let names: (full: String, alias: String?)
        var isLong = true
        switch encoding {
        case .MADD: (names, isLong) = (("madd", "mul"), false)
        case .MSUB: (names, isLong) = (("msub", "mneg"), false)
        case .SMADDL: names = ("smaddl", "smull")
        case .SMSUBL: names = ("smsubl", "smnegl")
        case .UMADDL: names = ("umaddl", "umull")
        case .UMSUBL: names = ("umsubl", "umnegl")
        case .SMULH: (names, isLong) = (("smulh", nil), false)
        default: (names, isLong) = (("umulh", nil), false)
        }
        let sourceIs64 = !isLong && instruction.is64
        let operands = xregOrWidth("d") + ", " + Self.general(field("n"), is64: sourceIs64) + ", "
            + Self.general(field("m"), is64: sourceIs64)
        guard let alias = names.alias else { return DisassembledInstruction(mnemonic: names.full, operands: operands) }
        if field("a") == 31 { return DisassembledInstruction(mnemonic: alias, operands: operands) }
        return DisassembledInstruction(mnemonic: names.full, operands: operands + ", " + xregOrWidth("a"))
    }

    /// Field `letter` as a register of the decoded operation's width.
    private func xregOrWidth(_ letter: Unicode.Scalar) -> String { Self.general(field(letter), is64: instruction.is64) }
}
