/// PSTATE as the emulator keeps it: the fields an EL1-only AArch64 core has.
public struct ProcessorState: Sendable, Equatable {
    /// N, Z, C, V in bits 31:28, as in NZCV and SPSR.
    public var nzcv: UInt32 = 0
    /// D, A, I, F in bits 9:6, as in DAIF and SPSR.
    public var daif: UInt32 = 0b1111 << 6
    /// Software step (SS).
    public var singleStep = false
    /// Illegal execution state (IL).
    public var illegalExecution = false
    /// Current exception level (always 1 while the guest runs).
    public var exceptionLevel: UInt8 = 1
    /// Stack pointer select: true uses SP_ELx, false SP_EL0.
    public var usesExceptionStack = true

    public init() {}

    public static let debugMask: UInt32 = 1 << 9
    public static let irqMask: UInt32 = 1 << 7

    /// Whether IRQs are masked (PSTATE.I).
    @inlinable public var irqMasked: Bool { daif & Self.irqMask != 0 }
    /// Whether debug exceptions are masked (PSTATE.D).
    @inlinable public var debugMasked: Bool { daif & Self.debugMask != 0 }

    /// The value an exception saves in SPSR_EL1.
    public var savedProgramStatus: UInt64 {
        var value = UInt64(nzcv & 0xF000_0000) | UInt64(daif & 0x3C0)
        if singleStep { value |= 1 << 21 }
        if illegalExecution { value |= 1 << 20 }
        value |= UInt64(exceptionLevel) << 2 | (usesExceptionStack ? 1 : 0)
        return value
    }

    /// PSTATE restored from an SPSR value (the caller has checked that it names AArch64 EL0 or EL1).
    public init(savedProgramStatus value: UInt64) {
        nzcv = UInt32(truncatingIfNeeded: value) & 0xF000_0000
        daif = UInt32(truncatingIfNeeded: value) & 0x3C0
        singleStep = value >> 21 & 1 == 1
        illegalExecution = value >> 20 & 1 == 1
        exceptionLevel = UInt8(value >> 2 & 0b11)
        usesExceptionStack = value & 1 == 1
    }
}

/// The EL1 system registers the machine implements (others are UNDEFINED to MRS and MSR).
public struct SystemRegisterFile: Sendable, Equatable {
    public var elr: UInt64 = 0
    public var spsr: UInt64 = 0
    public var esr: UInt64 = 0
    public var far: UInt64 = 0
    public var vbar: UInt64 = 0
    /// Whether the guest has written VBAR_EL1: exceptions with no vectors stop the run.
    public var vectorsInstalled = false
    public var mdscr: UInt64 = 0
    /// Reset value as on QEMU's cortex-a72: MMU and caches off, SP alignment checking on (SA, SA0).
    public var sctlr: UInt64 = 0x00C5_0838
    public var cpacr: UInt64 = 0
    public var tpidrEL1: UInt64 = 0
    public var tpidrEL0: UInt64 = 0
    /// OS lock, locked at reset as on Cortex-A72: debug exceptions other than BRK need it cleared.
    public var osLocked = true
    public var osDoubleLock: UInt64 = 0
    public var spEL0: UInt64 = 0
    public var spEL1: UInt64 = 0
    /// CNTFRQ_EL0: writable here because EL1 is the highest exception level this machine implements.
    public var counterFrequency: UInt64 = CoreIdentification.counterFrequency

    public init() {}

    /// MDSCR_EL1.SS: software step enabled.
    public var softwareStepEnabled: Bool { mdscr & 1 != 0 }
    /// MDSCR_EL1.KDE: debug exceptions enabled at the exception level they target (EL1).
    public var kernelDebugEnabled: Bool { mdscr >> 13 & 1 != 0 }
    /// SCTLR_EL1.A: every data access must be aligned to its size.
    public var alignmentCheck: Bool { sctlr & 0b10 != 0 }
    /// SCTLR_EL1.SA: SP-based accesses must be 16-byte aligned.
    public var stackAlignmentCheck: Bool { sctlr >> 3 & 1 != 0 }
}

/// Identification values a Cortex-A72 reports, matching QEMU's model so guests behave the same.
public enum CoreIdentification {
    public static let midr: UInt64 = 0x410F_D083
    public static let mpidr: UInt64 = 0x8000_0000
    public static let ctr: UInt64 = 0x8444_C004
    public static let dczid: UInt64 = 0x4 // 64-byte DC ZVA blocks
    public static let counterFrequency: UInt64 = 62_500_000
    public static let zeroBlockSize: UInt64 = 64
    public static let cacheLineSize: UInt64 = 64
}
