/// Branches, exception generation and system instructions: branch targets as absolute addresses,
/// `ret` without x30, hint and barrier names, PSTATE and system register names, and IC/DC.
extension InstructionPrinter {
    func printBranchExceptionSystem() -> DisassembledInstruction {
        switch encoding {
        case .B, .BL, .B_cond:
            let mnemonic = encoding == .B ? "b" : encoding == .BL ? "bl" : "b." + AssemblerNames.condition(field("c"))
            return branch(mnemonic, operands: "")
        case .CBZ, .CBNZ:
            return branch(encoding == .CBZ ? "cbz" : "cbnz", operands: reg("t") + ", ")
        case .TBZ, .TBNZ:
            let bit = field("b") << 5 | field("w")
            let register = Self.general(field("t"), is64: bit >= 32)
            return branch(encoding == .TBZ ? "tbz" : "tbnz",
                          operands: register + ", " + Self.immHex(UInt64(bit)) + ", ")
        case .BR, .BLR:
            return DisassembledInstruction(mnemonic: encoding == .BR ? "br" : "blr", operands: xreg("n"))
        case .RET:
            return DisassembledInstruction(mnemonic: "ret", operands: field("n") == 30 ? "" : xreg("n"))
        case .ERET:
            return DisassembledInstruction(mnemonic: "eret")
        case .SVC, .BRK, .HLT:
            // objdump prints these in hex except zero, which is plain `#0`.
            let mnemonic = encoding == .SVC ? "svc" : encoding == .BRK ? "brk" : "hlt"
            let immediate = field("i")
            return DisassembledInstruction(mnemonic: mnemonic,
                                           operands: immediate == 0 ? "#0" : Self.immHex(UInt64(immediate)))
        case .CLREX, .DSB, .DMB, .ISB:
            return printBarrier()
        case .MSR_imm:
            return printProcessStateWrite()
        case .MSR_reg, .MRS:
            return printSystemRegisterAccess()
        case .IC_IALLUIS, .IC_IALLU, .IC_IVAU, .DC_IVAC, .DC_ISW, .DC_CSW, .DC_CISW, .DC_ZVA, .DC_CVAC, .DC_CVAU,
             .DC_CIVAC:
            return printCacheMaintenance()
        default:
            return printHint()
        }
    }

    /// A branch whose target (already absolute in the decoded instruction) is its last operand.
    private func branch(_ mnemonic: String, operands prefix: String) -> DisassembledInstruction {
        let target = instruction.imm
        return DisassembledInstruction(mnemonic: mnemonic, operands: prefix + Self.address(target), target: target)
    }

    /// Every hint-space row prints by its number: objdump names the allocated ones.
    private func printHint() -> DisassembledInstruction {
        // The hint rows nested in HINT fix some of its CRm:op2 bits; HINT's own fields read them all.
        let number = Int(Encoding.HINT.field("M", in: word) << 3 | Encoding.HINT.field("q", in: word))
        if let (mnemonic, operands) = AssemblerNames.hint(number) {
            return DisassembledInstruction(mnemonic: mnemonic, operands: operands)
        }
        return DisassembledInstruction(mnemonic: "hint", operands: Self.immHex(UInt64(number)))
    }

    private func printBarrier() -> DisassembledInstruction {
        let crm = field("M")
        switch encoding {
        case .CLREX:
            return DisassembledInstruction(mnemonic: "clrex", operands: crm == 15 ? "" : Self.immHex(UInt64(crm)))
        case .ISB:
            return DisassembledInstruction(mnemonic: "isb", operands: crm == 15 ? "" : Self.immDecimal(crm))
        case .DSB where crm == 0:
            return DisassembledInstruction(mnemonic: "ssbb")
        case .DSB where crm == 4:
            return DisassembledInstruction(mnemonic: "pssbb")
        case .DSB where crm == 12:
            return DisassembledInstruction(mnemonic: "dfb")
        default:
            let option = AssemblerNames.barrierOption(crm) ?? Self.immDecimal(crm)
            return DisassembledInstruction(mnemonic: encoding == .DSB ? "dsb" : "dmb", operands: option)
        }
    }

    private func printProcessStateWrite() -> DisassembledInstruction {
        let name: String
        switch PSTATEField(rawValue: instruction.option) {
        case .spsel: name = "SPSel"
        case .daifSet: name = "DAIFSet"
        default: name = "DAIFClr"
        }
        return DisassembledInstruction(mnemonic: "msr", operands: name + ", " + Self.immHex(UInt64(field("M"))))
    }

    private func printSystemRegisterAccess() -> DisassembledInstruction {
        let name = SystemRegister(rawValue: UInt16(truncatingIfNeeded: instruction.imm))?.name ?? "?"
        if encoding == .MRS {
            return DisassembledInstruction(mnemonic: "mrs", operands: xreg("t") + ", " + name)
        }
        return DisassembledInstruction(mnemonic: "msr", operands: name + ", " + xreg("t"))
    }

    /// `ic`/`dc` with the operation name; objdump prints the operations without an address
    /// operand (`ic iallu`) whatever the Rt field holds.
    private func printCacheMaintenance() -> DisassembledInstruction {
        let (mnemonic, operation, takesRegister) = AssemblerNames.cacheMaintenance(encoding)
        return DisassembledInstruction(mnemonic: mnemonic, operands: takesRegister ? operation + ", " + xreg("t") : operation)
    }
}
