import A64

/// The outcome of an MSR to a system register.
enum SystemRegisterWrite {
    case written
    /// The access is UNDEFINED in the current state.
    case undefined
    /// The machine cannot model the requested state; the run stops with a fault.
    case stopped
}

extension Machine {
    /// MRS: the register's value, or nil where the access is UNDEFINED.
    func readSystemRegister(_ raw: UInt16) -> UInt64? {
        guard let register = SystemRegister(rawValue: raw) else { return nil }
        switch register {
        case .MDSCR_EL1: return system.mdscr
        case .OSLAR_EL1: return nil
        case .OSLSR_EL1: return 0b1000 | (system.osLocked ? 0b10 : 0) // OSLM = 0b10: OS lock implemented
        case .OSDLR_EL1: return system.osDoubleLock
        case .MIDR_EL1: return CoreIdentification.midr
        case .MPIDR_EL1: return CoreIdentification.mpidr
        case .SCTLR_EL1: return system.sctlr
        case .CPACR_EL1: return system.cpacr
        case .SPSR_EL1: return system.spsr
        case .ELR_EL1: return system.elr
        case .SP_EL0:
            // SP_EL0 is accessible only while EL1 runs on SP_EL1.
            return pstate.usesExceptionStack ? system.spEL0 : nil
        case .SPSel: return pstate.usesExceptionStack ? 1 : 0
        case .CurrentEL: return UInt64(pstate.exceptionLevel) << 2
        case .ESR_EL1: return system.esr
        case .FAR_EL1: return system.far
        case .VBAR_EL1: return system.vbar
        case .TPIDR_EL1: return system.tpidrEL1
        case .CTR_EL0: return CoreIdentification.ctr
        case .DCZID_EL0: return CoreIdentification.dczid
        case .NZCV: return UInt64(pstate.nzcv)
        case .DAIF: return UInt64(pstate.daif)
        case .TPIDR_EL0: return system.tpidrEL0
        case .CNTFRQ_EL0: return system.counterFrequency
        // A deterministic virtual count: one tick per retired instruction.
        case .CNTVCT_EL0: return counters.instructions
        }
    }

    /// MSR: writes the register, reporting UNDEFINED accesses and states the machine cannot model.
    func writeSystemRegister(_ raw: UInt16, value: UInt64, at site: UInt64) -> SystemRegisterWrite {
        guard let register = SystemRegister(rawValue: raw) else { return .undefined }
        switch register {
        case .MDSCR_EL1: system.mdscr = value
        case .OSLAR_EL1: system.osLocked = value & 1 == 1
        case .OSDLR_EL1: system.osDoubleLock = value & 1
        case .SCTLR_EL1:
            if value & 1 == 1 {
                stopWithFault(.unsupportedOperation("SCTLR_EL1.M"), at: site,
                              message: "the guest enabled the MMU (SCTLR_EL1 0x\(String(value, radix: 16))); this machine runs with the MMU off")
                return .stopped
            }
            system.sctlr = value
        case .CPACR_EL1: system.cpacr = value
        case .SPSR_EL1: system.spsr = value
        case .ELR_EL1: system.elr = value
        case .SP_EL0:
            guard pstate.usesExceptionStack else { return .undefined }
            system.spEL0 = value
        case .SPSel: selectStackPointer(exceptionStack: value & 1 == 1)
        case .ESR_EL1: system.esr = value
        case .FAR_EL1: system.far = value
        case .VBAR_EL1:
            system.vbar = value & ~0x7FF
            system.vectorsInstalled = true
        case .TPIDR_EL1: system.tpidrEL1 = value
        case .NZCV: pstate.nzcv = UInt32(truncatingIfNeeded: value) & 0xF000_0000
        case .DAIF: pstate.daif = UInt32(truncatingIfNeeded: value) & 0x3C0
        case .TPIDR_EL0: system.tpidrEL0 = value
        // Writable only at the highest implemented exception level, which on this machine is EL1.
        case .CNTFRQ_EL0: system.counterFrequency = value & 0xFFFF_FFFF
        case .MIDR_EL1, .MPIDR_EL1, .CurrentEL, .CTR_EL0, .DCZID_EL0, .CNTVCT_EL0, .OSLSR_EL1:
            return .undefined
        }
        return .written
    }
}
