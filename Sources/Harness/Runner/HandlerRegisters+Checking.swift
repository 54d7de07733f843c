import GuestKernel

extension HandlerRegisters {
    /// The traced function's registers when it was entered.
    struct Truth {
        /// x0–x30.
        var x: [UInt64]
        var sp: UInt64
        /// The pc the path's entry registers must hold (`Mechanism.entryRegistersOffset`).
        var pc: UInt64
        /// PSTATE in SPSR form, as pt_regs holds it.
        var pstate: UInt64
    }

    /// What the caller resumes with after the function returns, from its entry registers and the
    /// return value: callee-saved registers, fp, sp and PSTATE's mode and DAIF as at entry, and
    /// the pc at the return address.
    static func returning(from entry: Truth, value: UInt64) -> Truth {
        var x = entry.x
        x[0] = value
        return Truth(x: x, sp: entry.sp, pc: entry.x[30], pstate: entry.pstate)
    }

    /// Compares the register set of `kind` that `read` returns fields of (by byte offset; nil where
    /// memory cannot be read) with `truth`, group by group. Scratch registers (x8–x18) are not
    /// compared: they hold nothing the function may rely on at its entry, and the patch site itself
    /// overwrites x9. At exit (`atExit`) only what the caller resumes with is: the return value
    /// (x0), callee-saved registers, fp, sp, pc, and PSTATE's mode and DAIF (not lr, which the
    /// return hook replaced, and not NZCV, which a call need not preserve).
    static func compare(_ kind: RegisterSetKind, read: (UInt64) -> UInt64?, truth: Truth, atExit: Bool = false) -> HandlerRegisters {
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
        var groups = [atExit ? Group(name: "return value", wrong: general(0...0)) : Group(name: "arguments", wrong: general(0...7))]
        if kind.generalRegisterOffset(19) != nil { groups.append(Group(name: "callee-saved", wrong: general(19...28))) }
        let frame = [wrong("fp", at: kind.generalRegisterOffset(29)!, truth.x[29]),
                     atExit ? nil : wrong("lr", at: kind.generalRegisterOffset(30)!, truth.x[30]),
                     wrong("sp", at: kind.stackPointerOffset, truth.sp), wrong("pc", at: kind.programCounterOffset, truth.pc)]
        groups.append(Group(name: "frame", wrong: frame.compactMap { $0 }))
        if let offset = kind.processorStateOffset {
            // M[3:0] (exception level and SP select), DAIF, NZCV: the fields an EL1 PSTATE has.
            let fields = [("PSTATE mode", UInt64(0xF)), ("PSTATE DAIF", 0x3C0), ("PSTATE NZCV", 0xF000_0000)]
            for (name, mask) in fields.prefix(atExit ? 2 : 3) {
                groups.append(Group(name: name, wrong: [wrong("pstate", at: offset, truth.pstate, mask: mask)].compactMap { $0 }))
            }
        }
        return HandlerRegisters(registers: kind.rawValue, groups: groups)
    }
}
