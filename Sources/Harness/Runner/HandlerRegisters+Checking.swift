import GuestKernel

extension HandlerRegisters {
    /// The traced function's registers when it was entered.
    struct Truth {
        /// x0–x30.
        var x: [UInt64]
        var sp: UInt64
        /// Where every path resumes the function: its first body instruction.
        var pc: UInt64
        /// PSTATE in SPSR form, as pt_regs holds it.
        var pstate: UInt64
    }

    /// Compares the register set of `kind` that `read` returns fields of (by byte offset; nil where
    /// memory cannot be read) with `truth`, group by group. Scratch registers (x8–x18) are not
    /// compared: they hold nothing the function may rely on at its entry, and the patch site itself
    /// overwrites x9.
    static func compare(_ kind: RegisterSetKind, read: (UInt64) -> UInt64?, truth: Truth) -> HandlerRegisters {
        func wrong(_ name: String, at offset: UInt64, _ real: UInt64, mask: UInt64 = ~0) -> String? {
            let value = read(offset)
            guard let value, value & mask == real & mask else {
                return "\(name)=\(value.map { "0x" + String($0 & mask, radix: 16) } ?? "unreadable") "
                    + "(real 0x\(String(real & mask, radix: 16)))"
            }
            return nil
        }
        func general(_ indices: ClosedRange<Int>) -> [String] {
            indices.compactMap { index in
                kind.generalRegisterOffset(index).flatMap { wrong("x\(index)", at: $0, truth.x[index]) }
            }
        }
        var groups = [Group(name: "arguments", wrong: general(0...7))]
        if kind.generalRegisterOffset(19) != nil { groups.append(Group(name: "callee-saved", wrong: general(19...28))) }
        let frame = [wrong("fp", at: kind.generalRegisterOffset(29)!, truth.x[29]), wrong("lr", at: kind.generalRegisterOffset(30)!, truth.x[30]),
                     wrong("sp", at: kind.stackPointerOffset, truth.sp), wrong("pc", at: kind.programCounterOffset, truth.pc)]
        groups.append(Group(name: "frame", wrong: frame.compactMap { $0 }))
        if let offset = kind.processorStateOffset {
            // M[3:0] (exception level and SP select), DAIF, NZCV: the fields an EL1 PSTATE has.
            for (name, mask) in [("PSTATE mode", UInt64(0xF)), ("PSTATE DAIF", 0x3C0), ("PSTATE NZCV", 0xF000_0000)] {
                groups.append(Group(name: name, wrong: [wrong("pstate", at: offset, truth.pstate, mask: mask)].compactMap { $0 }))
            }
        }
        return HandlerRegisters(registers: kind.rawValue, groups: groups)
    }
}
