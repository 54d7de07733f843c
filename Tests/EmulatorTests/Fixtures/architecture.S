// Architectural behaviour at EL1, printed for comparison with qemu-system-aarch64.
//
// Runs bare-metal at EL1 with the MMU off on QEMU's virt board (-cpu cortex-a72) and on our
// machine, and prints `name value` lines (value in hex) through semihosting SYS_WRITE0. The test
// compares the output line by line and the exit status (the number of exceptions taken).
//
// Covered: reset values and MRS/MSR round trips of the system registers the machine implements;
// BRK, SVC and UNDEFINED syndromes; data aborts on an address with nothing behind it, instruction
// aborts and PC alignment faults (BR and ERET to a misaligned address); cache maintenance and
// prefetch of an address with nothing behind it; alignment faults of exclusive and acquire/release
// accesses; software step over ordinary instructions, a branch, a load-exclusive, and an SVC and a
// BRK inside the stepped code; an IRQ through the GICv2 (SGI to self) held off by PSTATE.I and taken
// when unmasked by MSR DAIFClr, by MSR DAIF and by an ERET, on SP_EL1 and SP_EL0, and WFI waking for
// a masked one; ERET to EL1t and EL1h with different flags, and illegal exception returns;
// SP_EL0/SP_EL1 banking and the vector an exception on SP_EL0 takes; self-modifying code with cache
// maintenance; DC ZVA; the exclusive monitor.
//
// Left out on purpose, because the two legitimately differ: CNTVCT_EL0 values (QEMU counts host
// time, our machine instructions; only monotonicity is printed), ERET to EL0 (our machine runs EL1
// only), FP/SIMD instructions (UNDEFINED on our machine, a CPACR trap on QEMU), HVC (QEMU's virt
// board answers it as PSCI), HLT other than the semihosting call (our machine hands it to the host),
// SP alignment faults (QEMU does not implement SCTLR_EL1.SA), unaligned ordinary accesses (QEMU 7.2
// and our machine allow them with the MMU off, newer QEMU releases fault), a misaligned STXR without
// a matching LDXR (QEMU checks the monitor before alignment, the architecture the other way round),
// and a plain store between LDXR and STXR (whether it clears the monitor is IMPLEMENTATION DEFINED).

    .equ SEMIHOST_WRITE0, 0x04
    .equ SEMIHOST_EXIT, 0x18
    .equ GICD, 0x08000000
    .equ GICC, 0x08010000
    .equ UNMAPPED, 0x0C000000          // QEMU virt's empty platform bus: nothing answers there
    .equ SGI_ID, 5
    .equ LOG_CAPACITY, 16

// exception_record fields
    .equ RECORD_ESR, 0
    .equ RECORD_ELR, 8
    .equ RECORD_SPSR, 16
    .equ RECORD_FAR, 24
    .equ RECORD_VECTOR, 32
    .equ RECORD_HANDLER_SP, 40
    .equ RECORD_COUNT, 48
    .equ RECORD_RESUME, 56
    .equ RECORD_LOG_COUNT, 64
    .equ RECORD_LOG_ENABLED, 72
    .equ RECORD_STEPS_LEFT, 80
// irq_record fields
    .equ IRQ_IAR, 0
    .equ IRQ_ELR, 8
    .equ IRQ_SPSR, 16
    .equ IRQ_COUNT, 24
    .equ IRQ_VECTOR, 32

// PRINT "name", xN: prints `name value` (clobbers x0-x8, x30 and the flags).
    .macro PRINT name, reg
    mov     x1, \reg
    adr     x0, .Lname\@
    bl      print_value
    b       .Lafter\@
.Lname\@:
    .asciz  "\name"
    .p2align 2
.Lafter\@:
    .endm

// PRINT_SYSREG REG: reads system register REG and prints it under its name.
    .macro PRINT_SYSREG reg
    mrs     x19, \reg
    PRINT   "\reg", x19
    .endm

// RESUME_AT label: the next synchronous exception returns to `label` instead of its ELR.
    .macro RESUME_AT label
    adr     x9, \label
    adr     x10, exception_resume
    str     x9, [x10]
    .endm

// NO_RESUME: forgets a RESUME_AT that no exception used.
    .macro NO_RESUME
    adr     x10, exception_resume
    str     xzr, [x10]
    .endm

// EXPECT_NO_FAULT name, instruction: runs the instruction and prints how many exceptions it took.
    .macro EXPECT_NO_FAULT name, instruction:vararg
    adr     x20, exception_record
    ldr     x21, [x20, #RECORD_COUNT]
    RESUME_AT .Lresume\@
    \instruction
.Lresume\@:
    NO_RESUME
    ldr     x19, [x20, #RECORD_COUNT]
    sub     x19, x19, x21
    PRINT   "\name\().exceptions", x19
    .endm

// STEP_THROUGH label, steps, spsr: runs the code at `label` with software step active (SPSR.SS
// set, D clear; by default EL1h with A, I, F masked) for `steps` step exceptions, logging every
// exception on the way.
    .macro STEP_THROUGH label, steps, spsr=((1 << 21) | 0x1C5)
    msr     OSLAR_EL1, xzr
    mov     x0, #((1 << 13) | 1)        // MDSCR_EL1.KDE | SS
    msr     MDSCR_EL1, x0
    isb
    adr     x1, exception_record
    mov     x0, #\steps
    str     x0, [x1, #RECORD_STEPS_LEFT]
    str     xzr, [x1, #RECORD_LOG_COUNT]
    mov     x0, #1
    str     x0, [x1, #RECORD_LOG_ENABLED]
    adr     x0, \label
    msr     ELR_EL1, x0
    ldr     x0, =\spsr
    msr     SPSR_EL1, x0
    eret
    .endm

// PRINT_LOG prefix: prints the exceptions logged since STEP_THROUGH and stops logging.
    .macro PRINT_LOG prefix
    msr     DAIFSet, #0x8               // mask debug exceptions again
    msr     MDSCR_EL1, xzr
    isb
    adr     x20, exception_record
    str     xzr, [x20, #RECORD_LOG_ENABLED]
    ldr     x22, [x20, #RECORD_LOG_COUNT]
    PRINT   "\prefix\().count", x22
    adr     x21, exception_log
.Lnext\@:
    cbz     x22, .Ldone\@
    ldr     x19, [x21], #8
    PRINT   "\prefix\().esr", x19
    ldr     x19, [x21], #8
    PRINT   "\prefix\().elr", x19
    ldr     x19, [x21], #16             // and skip the entry's padding
    PRINT   "\prefix\().spsr", x19
    sub     x22, x22, #1
    b       .Lnext\@
.Ldone\@:
    .endm

// PRINT_EXCEPTION prefix: prints the ESR, ELR and SPSR of the last synchronous exception.
    .macro PRINT_EXCEPTION prefix
    adr     x20, exception_record
    ldr     x19, [x20, #RECORD_ESR]
    PRINT   "\prefix\().esr", x19
    ldr     x19, [x20, #RECORD_ELR]
    PRINT   "\prefix\().elr", x19
    ldr     x19, [x20, #RECORD_SPSR]
    PRINT   "\prefix\().spsr", x19
    .endm

// PRINT_IRQ prefix: prints the IAR, ELR, SPSR and vector offset of the last IRQ.
    .macro PRINT_IRQ prefix
    adr     x20, irq_record
    ldr     x19, [x20, #IRQ_IAR]
    PRINT   "\prefix\().iar", x19
    ldr     x19, [x20, #IRQ_ELR]
    PRINT   "\prefix\().elr", x19
    ldr     x19, [x20, #IRQ_SPSR]
    PRINT   "\prefix\().spsr", x19
    ldr     x19, [x20, #IRQ_VECTOR]
    PRINT   "\prefix\().vector", x19
    .endm

// SEND_SGI id: makes SGI `id` pending on this CPU (GICD_SGIR, target filter "this CPU only").
    .macro SEND_SGI id
    ldr     x1, =GICD
    ldr     w2, =((2 << 24) | \id)
    str     w2, [x1, #0xF00]
    dsb     sy
    isb
    .endm

// PRINT_FAR prefix: prints the FAR the last synchronous exception recorded.
    .macro PRINT_FAR prefix
    adr     x20, exception_record
    ldr     x19, [x20, #RECORD_FAR]
    PRINT   "\prefix\().far", x19
    .endm

    .text
    .globl  _start
_start:
    adr     x0, stack_top
    mov     sp, x0

    // MARK: Reset values (before anything is written)
    PRINT_SYSREG MIDR_EL1
    PRINT_SYSREG MPIDR_EL1
    PRINT_SYSREG CTR_EL0
    PRINT_SYSREG DCZID_EL0
    PRINT_SYSREG CNTFRQ_EL0
    PRINT_SYSREG SCTLR_EL1
    PRINT_SYSREG CPACR_EL1
    PRINT_SYSREG MDSCR_EL1
    PRINT_SYSREG OSLSR_EL1
    PRINT_SYSREG OSDLR_EL1

    // CNTFRQ_EL0 is writable at the highest implemented exception level, EL1 here.
    ldr     x0, =100000000
    msr     CNTFRQ_EL0, x0
    PRINT_SYSREG CNTFRQ_EL0
    PRINT_SYSREG CurrentEL
    PRINT_SYSREG SPSel
    PRINT_SYSREG DAIF
    PRINT_SYSREG NZCV
    PRINT_SYSREG VBAR_EL1
    PRINT_SYSREG TPIDR_EL1
    PRINT_SYSREG TPIDR_EL0

    adr     x0, vectors
    msr     VBAR_EL1, x0
    isb
    PRINT_SYSREG VBAR_EL1

    // MARK: System register round trips
    ldr     x0, =0x1122334455667788
    msr     TPIDR_EL1, x0
    PRINT_SYSREG TPIDR_EL1
    ldr     x0, =0x8877665544332211
    msr     TPIDR_EL0, x0
    PRINT_SYSREG TPIDR_EL0
    ldr     x0, =0xFFFF000012345678
    msr     ELR_EL1, x0
    PRINT_SYSREG ELR_EL1
    ldr     x0, =0xF00003C5
    msr     SPSR_EL1, x0
    PRINT_SYSREG SPSR_EL1
    ldr     x0, =0x5600ABCD
    msr     ESR_EL1, x0
    PRINT_SYSREG ESR_EL1
    ldr     x0, =0xDEADBEEFCAFE
    msr     FAR_EL1, x0
    PRINT_SYSREG FAR_EL1
    mov     x0, #0x1000                 // MDSCR_EL1.TDCC: no debug behaviour of its own
    msr     MDSCR_EL1, x0
    PRINT_SYSREG MDSCR_EL1
    msr     MDSCR_EL1, xzr
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN
    msr     CPACR_EL1, x0
    PRINT_SYSREG CPACR_EL1
    msr     CPACR_EL1, xzr
    mrs     x0, SCTLR_EL1
    bic     x0, x0, #(1 << 3)           // SA off and back on
    msr     SCTLR_EL1, x0
    isb
    PRINT_SYSREG SCTLR_EL1
    mrs     x0, SCTLR_EL1
    orr     x0, x0, #(1 << 3)
    msr     SCTLR_EL1, x0
    isb
    mov     x0, #0xA0000000
    msr     NZCV, x0
    PRINT_SYSREG NZCV
    mov     x0, #0x140                  // D and I clear, A and F set
    msr     DAIF, x0
    PRINT_SYSREG DAIF
    msr     DAIFSet, #0xF
    msr     DAIFClr, #0x4
    PRINT_SYSREG DAIF
    msr     DAIFSet, #0xF
    PRINT_SYSREG DAIF
    mov     x0, #1
    msr     OSLAR_EL1, x0
    isb
    PRINT_SYSREG OSLSR_EL1
    msr     OSLAR_EL1, xzr
    isb
    PRINT_SYSREG OSLSR_EL1
    mov     x0, #1
    msr     OSDLR_EL1, x0
    isb
    PRINT_SYSREG OSDLR_EL1
    msr     OSDLR_EL1, xzr
    isb
    PRINT_SYSREG OSDLR_EL1
    mrs     x19, CNTVCT_EL0
    isb
    mrs     x20, CNTVCT_EL0
    cmp     x20, x19
    cset    x19, hs
    PRINT   "cntvct.monotonic", x19

    // MARK: BRK
    mov     x0, #0x90000000
    msr     NZCV, x0
    RESUME_AT 1f
brk_site:
    brk     #0x123
1:  PRINT_EXCEPTION "brk"
    adr     x19, brk_site
    PRINT   "brk.site", x19

    // MARK: SVC
    RESUME_AT 1f
svc_site:
    svc     #0x42
1:  PRINT_EXCEPTION "svc"
    adr     x19, svc_site
    PRINT   "svc.site", x19

    // MARK: UNDEFINED
    RESUME_AT 1f
    udf     #0x5A
1:  PRINT_EXCEPTION "udf"
    RESUME_AT 1f
    .inst   0x0A008000                  // AND (shifted register), 32-bit with shift 32: unallocated
1:  PRINT_EXCEPTION "unallocated"
    RESUME_AT 1f
    .inst   0xD5180000                  // msr MIDR_EL1, x0: read-only register, UNDEFINED
1:  PRINT_EXCEPTION "msr.readonly"
    EXPECT_NO_FAULT "msr.mpidr", .inst 0xD51800A0          // msr MPIDR_EL1, x0
    EXPECT_NO_FAULT "msr.currentel", .inst 0xD5184240      // msr CurrentEL, x0
    EXPECT_NO_FAULT "msr.oslsr", .inst 0xD5101180          // msr OSLSR_EL1, x0
    EXPECT_NO_FAULT "msr.ctr", .inst 0xD51B0020            // msr CTR_EL0, x0
    EXPECT_NO_FAULT "msr.dczid", .inst 0xD51B00E0          // msr DCZID_EL0, x0
    EXPECT_NO_FAULT "msr.cntvct", .inst 0xD51BE040         // msr CNTVCT_EL0, x0
    RESUME_AT 1f
    .inst   0xD5301080                  // mrs x0, OSLAR_EL1: write-only register, UNDEFINED
1:  PRINT_EXCEPTION "mrs.writeonly"

    // MARK: Data aborts
    ldr     x1, =UNMAPPED
    RESUME_AT 1f
    ldr     x2, [x1, #8]
1:  PRINT_EXCEPTION "load.abort"
    PRINT_FAR "load.abort"
    ldr     x1, =UNMAPPED
    RESUME_AT 1f
    strb    w2, [x1, #0x31]
1:  PRINT_EXCEPTION "store.abort"
    PRINT_FAR "store.abort"
    ldr     x1, =UNMAPPED
    RESUME_AT 1f
    ldp     x2, x3, [x1]
1:  PRINT_EXCEPTION "pair.abort"
    PRINT_FAR "pair.abort"

    // MARK: Instruction aborts and PC alignment faults
    ldr     x1, =UNMAPPED
    RESUME_AT 1f
    blr     x1
1:  PRINT_EXCEPTION "fetch.abort"
    PRINT_FAR "fetch.abort"
    adr     x1, misaligned_target
    add     x1, x1, #2
    RESUME_AT 1f
    br      x1
misaligned_target:
    nop
    nop
1:  PRINT_EXCEPTION "br.misaligned"
    PRINT_FAR "br.misaligned"
    adr     x1, misaligned_target
    add     x1, x1, #1
    msr     ELR_EL1, x1
    mov     x1, #0x3C5
    msr     SPSR_EL1, x1
    RESUME_AT 1f
    eret
1:  PRINT_EXCEPTION "eret.misaligned"
    PRINT_FAR "eret.misaligned"

    // MARK: Cache maintenance and prefetch of an address with nothing behind it
    ldr     x23, =UNMAPPED
    EXPECT_NO_FAULT "dc.civac.unmapped", dc civac, x23
    EXPECT_NO_FAULT "dc.cvac.unmapped", dc cvac, x23
    EXPECT_NO_FAULT "dc.cvau.unmapped", dc cvau, x23
    EXPECT_NO_FAULT "dc.ivac.unmapped", dc ivac, x23
    EXPECT_NO_FAULT "ic.ivau.unmapped", ic ivau, x23
    EXPECT_NO_FAULT "prfm.unmapped", prfm pldl1keep, [x23]
    EXPECT_NO_FAULT "dc.zva.unmapped", dc zva, x23
    PRINT_EXCEPTION "dc.zva.unmapped"
    PRINT_FAR "dc.zva.unmapped"

    // MARK: Alignment faults of exclusive and ordered accesses
    adr     x1, exclusive_area
    RESUME_AT 1f
    ldxr    x2, [x1, #0]                // aligned: no fault
    ldr     x1, =exclusive_area + 4
    ldxr    x2, [x1]
1:  PRINT_EXCEPTION "ldxr.misaligned"
    PRINT_FAR "ldxr.misaligned"
    ldr     x1, =exclusive_area + 2
    RESUME_AT 1f
    ldar    w2, [x1]
1:  PRINT_EXCEPTION "ldar.misaligned"
    ldr     x1, =exclusive_area + 1
    RESUME_AT 1f
    stlrh   w2, [x1]
1:  PRINT_EXCEPTION "stlrh.misaligned"
    PRINT_FAR "stlrh.misaligned"

    // MARK: Exclusive monitor
    adr     x21, exclusive_area
    ldxr    x2, [x21]
    add     x2, x2, #1
    stxr    w19, x2, [x21]
    PRINT   "stxr.after.ldxr", x19
    ldxr    x2, [x21]
    clrex
    stxr    w19, x2, [x21]
    PRINT   "stxr.after.clrex", x19
    stxr    w19, x2, [x21]
    PRINT   "stxr.without.ldxr", x19
    add     x3, x21, #8
    ldxr    x2, [x21]
    stxr    w19, x2, [x3]
    PRINT   "stxr.other.address", x19
    ldaxr   w2, [x21]
    stlxr   w19, w2, [x21]
    PRINT   "stlxr.after.ldaxr", x19
    ldxp    x2, x3, [x21]
    add     x3, x3, #7
    stxp    w19, x2, x3, [x21]
    PRINT   "stxp.after.ldxp", x19
    ldxr    x2, [x21]
    svc     #0                          // exception entry and return clear the monitor
    stxr    w19, x2, [x21]
    PRINT   "stxr.after.exception", x19
    ldp     x19, x20, [x21]
    PRINT   "exclusive.word0", x19
    PRINT   "exclusive.word1", x20

    // MARK: Software step
    adr     x12, exclusive_area
    STEP_THROUGH step_code, 6
step_code:
    mov     x10, #1
    add     x10, x10, #2
    b       1f
    nop
1:  ldxr    x11, [x12]
    mov     x13, x10
    nop
    nop
    PRINT_LOG "step"
    adr     x19, step_code
    PRINT   "step.code", x19
    PRINT   "step.x13", x13

    // An SVC completes the step (SPSR.SS = 0): the step exception follows the handler's ERET at
    // once. A BRK does not (SPSR.SS = 1): after the handler skips it, the next instruction is stepped.
    STEP_THROUGH step_exceptions_code, 6
step_exceptions_code:
    mov     x10, #5
    svc     #7
    brk     #9
    mov     x11, #6
    nop
    nop
    nop
    nop
    nop
    nop
    PRINT_LOG "step.exceptions"
    adr     x19, step_exceptions_code
    PRINT   "step.exceptions.code", x19

    // MARK: IRQ through the GICv2, masked then unmasked
    ldr     x1, =GICD
    mov     w2, #1
    str     w2, [x1, #0x000]            // GICD_CTLR: enable
    mov     w2, #0xFFFF
    str     w2, [x1, #0x100]            // GICD_ISENABLER0: SGIs
    ldr     x1, =GICC
    mov     w2, #0xF0
    str     w2, [x1, #0x004]            // GICC_PMR
    mov     w2, #1
    str     w2, [x1, #0x000]            // GICC_CTLR: enable
    SEND_SGI SGI_ID
    nop
    nop
    adr     x20, irq_record
    ldr     x19, [x20, #IRQ_COUNT]
    PRINT   "irq.count.masked", x19
    msr     DAIFClr, #0x2
irq_taken_here:
    nop
    msr     DAIFSet, #0x2
    PRINT_IRQ "irq"
    adr     x19, irq_taken_here
    PRINT   "irq.expected.elr", x19
    adr     x20, irq_record
    ldr     x19, [x20, #IRQ_COUNT]
    PRINT   "irq.count", x19
    ldr     x1, =GICC
    ldr     w19, [x1, #0x00C]           // GICC_IAR with nothing pending: spurious
    PRINT   "irq.spurious", x19

    // An SGI pending while masked, unmasked by ERET: taken before the ERET target executes.
    SEND_SGI (SGI_ID + 1)
    adr     x0, eret_irq_target
    msr     ELR_EL1, x0
    mov     x0, #0x345                  // D, A, F masked, I clear, EL1h
    msr     SPSR_EL1, x0
    eret
eret_irq_target:
    msr     DAIFSet, #0xF
    PRINT_IRQ "eret.irq"
    adr     x19, eret_irq_target
    PRINT   "eret.irq.target", x19

    // Unmasked by MSR DAIF (register form) while running on SP_EL0: the SP_EL0 IRQ vector.
    SEND_SGI (SGI_ID + 2)
    adr     x0, stack_el0_top
    msr     SP_EL0, x0
    msr     SPSel, #0
    mov     x0, #0x340                  // D, A, F masked, I clear
    msr     DAIF, x0
daif_irq_here:
    nop
    msr     DAIFSet, #0xF
    msr     SPSel, #1
    PRINT_IRQ "daif.irq"
    adr     x19, daif_irq_here
    PRINT   "daif.irq.expected.elr", x19

    // WFI wakes for a pending interrupt even while it is masked, and does not take it.
    SEND_SGI (SGI_ID + 3)
    wfi
    adr     x20, irq_record
    ldr     x19, [x20, #IRQ_COUNT]
    PRINT   "wfi.irq.count", x19
    msr     DAIFClr, #0x2
wfi_irq_here:
    nop
    msr     DAIFSet, #0x2
    PRINT_IRQ "wfi.irq"
    adr     x19, wfi_irq_here
    PRINT   "wfi.irq.expected.elr", x19

    // An IRQ pending when a step begins with IRQs unmasked is taken first (SPSR.SS = 1: nothing
    // was stepped); after its ERET the instruction is stepped.
    SEND_SGI (SGI_ID + 4)
    STEP_THROUGH step_irq_code, 3, ((1 << 21) | 0x145)
step_irq_code:
    mov     x10, #1
    mov     x11, #2
    mov     x12, #3
    nop
    msr     DAIFSet, #0x2
    PRINT_LOG "step.irq"
    adr     x19, step_irq_code
    PRINT   "step.irq.code", x19

    // MARK: ERET to different PSTATE
    ldr     x0, =0x40000
    msr     SP_EL0, x0
    adr     x0, 1f
    msr     ELR_EL1, x0
    ldr     x0, =0x60000284             // Z C; D and I masked, A and F clear; EL1t
    msr     SPSR_EL1, x0
    eret
1:  mrs     x23, NZCV
    mrs     x24, DAIF
    mrs     x25, SPSel
    mov     x26, sp
    msr     DAIFSet, #0xF
    msr     SPSel, #1
    PRINT   "eret.el1t.nzcv", x23
    PRINT   "eret.el1t.daif", x24
    PRINT   "eret.el1t.spsel", x25
    PRINT   "eret.el1t.sp", x26
    adr     x0, 1f
    msr     ELR_EL1, x0
    ldr     x0, =0x900003C5             // N V, everything masked, EL1h
    msr     SPSR_EL1, x0
    eret
1:  mrs     x23, NZCV
    mrs     x24, DAIF
    mrs     x25, SPSel
    PRINT   "eret.el1h.nzcv", x23
    PRINT   "eret.el1h.daif", x24
    PRINT   "eret.el1h.spsel", x25

    // Illegal exception returns: to EL2 (not implemented) and to AArch32. PSTATE.IL makes the
    // next instruction take an Illegal Execution state exception.
    adr     x0, illegal_target
    msr     ELR_EL1, x0
    ldr     x0, =0x500003C9             // EL2h
    msr     SPSR_EL1, x0
    RESUME_AT 1f
    eret
illegal_target:
    nop
1:  mrs     x21, NZCV                   // restored from the illegal return's SPSR
    PRINT_EXCEPTION "eret.el2"
    adr     x19, illegal_target
    PRINT   "eret.el2.target", x19
    PRINT   "eret.el2.nzcv", x21
    adr     x0, illegal_target
    msr     ELR_EL1, x0
    ldr     x0, =0x000003D3             // AArch32 SVC mode
    msr     SPSR_EL1, x0
    RESUME_AT 1f
    eret
1:  PRINT_EXCEPTION "eret.aarch32"

    // MARK: SP_EL0 and SP_EL1 banking
    mov     x19, sp
    ldr     x0, =0x12340
    msr     SP_EL0, x0
    msr     SPSel, #0
    mov     x20, sp                     // SP_EL0
    ldr     x0, =0x56780
    mov     sp, x0
    RESUME_AT 1f
    mrs     x0, SP_EL0                  // UNDEFINED while SP_EL0 is the current SP
1:  RESUME_AT 2f
brk_on_sp_el0:
    brk     #1                          // taken to the SP_EL0 vector (VBAR + 0x000)
2:  adr     x0, exception_record
    ldr     x21, [x0, #RECORD_VECTOR]
    ldr     x22, [x0, #RECORD_HANDLER_SP]
    msr     SPSel, #1
    mov     x23, sp
    mrs     x24, SP_EL0
    PRINT   "spsel0.sp", x20
    PRINT   "spsel0.vector", x21
    PRINT   "spsel0.handler.sp", x22
    adr     x19, stack_top
    PRINT   "spsel1.stack.top", x19
    PRINT   "spsel1.sp", x23
    PRINT   "spsel1.sp_el0", x24
    PRINT_EXCEPTION "spsel0.brk"
    mov     x0, #0
    msr     SPSel, x0
    mrs     x19, SPSel
    msr     SPSel, #1
    PRINT   "spsel.register.write", x19

    // MARK: Self-modifying code
    bl      patch_site
    mov     x21, x0
    adr     x1, patch_site
    ldr     w2, =0xD2800540             // mov x0, #42
    str     w2, [x1]
    dc      cvau, x1
    dsb     ish
    ic      ivau, x1
    dsb     ish
    isb
    bl      patch_site
    mov     x22, x0
    PRINT   "patch.before", x21
    PRINT   "patch.after", x22

    // MARK: DC ZVA
    adr     x1, zero_area
    mov     x2, #-1
    mov     x3, #0
1:  str     x2, [x1, x3]
    add     x3, x3, #8
    cmp     x3, #192
    b.lo    1b
    add     x4, x1, #0x48
    dc      zva, x4
    mov     x21, x1
    ldr     x19, [x21, #0x38]
    PRINT   "zva.before", x19
    ldr     x19, [x21, #0x40]
    PRINT   "zva.first", x19
    ldr     x19, [x21, #0x78]
    PRINT   "zva.last", x19
    ldr     x19, [x21, #0x80]
    PRINT   "zva.after", x19

    // MARK: Exit with the number of exceptions taken as the status
    adr     x0, exception_record
    ldr     x19, [x0, #RECORD_COUNT]
    adr     x0, irq_record
    ldr     x20, [x0, #IRQ_COUNT]
    add     x19, x19, x20
    PRINT   "exceptions", x19
    adr     x1, exit_block
    str     x19, [x1, #8]
    mov     x0, #SEMIHOST_EXIT
    hlt     #0xF000
    b       .

patch_site:
    mov     x0, #7
    ret

// print_value: x0 = NUL-terminated name, x1 = value. Prints "name 0123456789abcdef\n".
print_value:
    stp     x29, x30, [sp, #-32]!
    mov     x29, sp
    str     x1, [sp, #16]
    mov     x1, x0
    mov     x0, #SEMIHOST_WRITE0
    hlt     #0xF000
    ldr     x2, [sp, #16]
    adr     x3, hex_buffer + 16
    mov     x4, #16
1:  and     x5, x2, #0xF
    cmp     x5, #10
    add     x6, x5, #'0'
    add     x7, x5, #('a' - 10)
    csel    x6, x6, x7, lo
    strb    w6, [x3], #-1
    lsr     x2, x2, #4
    subs    x4, x4, #1
    b.ne    1b
    adr     x1, hex_buffer
    mov     x0, #SEMIHOST_WRITE0
    hlt     #0xF000
    ldp     x29, x30, [sp], #32
    ret

// MARK: Exception vectors
    .p2align 11
vectors:
    .p2align 7                          // current EL, SP_EL0: synchronous
    str     x9, [sp, #-16]!
    mov     x9, #0x000
    b       synchronous_handler
    .p2align 7                          // current EL, SP_EL0: IRQ
    str     x9, [sp, #-16]!
    mov     x9, #0x080
    b       irq_handler
    .p2align 7
    b       unexpected_exception
    .p2align 7
    b       unexpected_exception
    .p2align 7                          // current EL, SP_ELx: synchronous
    str     x9, [sp, #-16]!
    mov     x9, #0x200
    b       synchronous_handler
    .p2align 7                          // current EL, SP_ELx: IRQ
    str     x9, [sp, #-16]!
    mov     x9, #0x280
    b       irq_handler
    .p2align 7
    b       unexpected_exception
    .p2align 7
    b       unexpected_exception
    .p2align 7
    b       unexpected_exception

// Records ESR, ELR, SPSR, FAR, the vector offset (x9, set by the vector) and the SP at entry,
// counts the exception and logs it if logging is on. Software step exceptions keep stepping while
// steps are left. Others return to the RESUME_AT address if one is set; otherwise an SVC returns
// to ELR (the next instruction) and anything else skips the instruction that caused it, so an
// unexpected exception shows up in the output rather than looping.
synchronous_handler:
    stp     x0, x1, [sp, #-32]!
    stp     x2, x3, [sp, #16]
    adr     x0, exception_record
    mrs     x1, ESR_EL1
    str     x1, [x0, #RECORD_ESR]
    mrs     x2, ELR_EL1
    str     x2, [x0, #RECORD_ELR]
    mrs     x2, SPSR_EL1
    str     x2, [x0, #RECORD_SPSR]
    mrs     x2, FAR_EL1
    str     x2, [x0, #RECORD_FAR]
    str     x9, [x0, #RECORD_VECTOR]
    add     x2, sp, #48
    str     x2, [x0, #RECORD_HANDLER_SP]
    ldr     x2, [x0, #RECORD_COUNT]
    add     x2, x2, #1
    str     x2, [x0, #RECORD_COUNT]
    ldr     x2, [x0, #RECORD_LOG_ENABLED]
    cbz     x2, 1f
    ldr     x2, [x0, #RECORD_LOG_COUNT]
    cmp     x2, #LOG_CAPACITY
    b.hs    1f
    adr     x3, exception_log
    add     x3, x3, x2, lsl #5
    add     x2, x2, #1
    str     x2, [x0, #RECORD_LOG_COUNT]
    str     x1, [x3]
    mrs     x2, ELR_EL1
    str     x2, [x3, #8]
    mrs     x2, SPSR_EL1
    str     x2, [x3, #16]
1:  lsr     x1, x1, #26
    cmp     x1, #0x33
    b.eq    step_exception
    ldr     x2, [x0, #RECORD_RESUME]
    cbz     x2, 2f
    msr     ELR_EL1, x2
    str     xzr, [x0, #RECORD_RESUME]
    mrs     x2, SPSR_EL1                // resuming elsewhere leaves an illegal state behind
    bic     x2, x2, #(1 << 20)
    msr     SPSR_EL1, x2
    b       return_from_handler
2:  cmp     x1, #0x15
    b.eq    return_from_handler
    mrs     x2, ELR_EL1                 // continue after the instruction that caused it
    add     x2, x2, #4
    msr     ELR_EL1, x2
    b       return_from_handler

step_exception:
    ldr     x1, [x0, #RECORD_STEPS_LEFT]
    sub     x1, x1, #1
    str     x1, [x0, #RECORD_STEPS_LEFT]
    cbz     x1, 1f
    mrs     x3, SPSR_EL1                // step the next instruction too
    orr     x3, x3, #(1 << 21)
    msr     SPSR_EL1, x3
    b       return_from_handler
1:  mrs     x3, MDSCR_EL1               // enough: stop stepping
    bic     x3, x3, #1
    msr     MDSCR_EL1, x3

return_from_handler:
    ldp     x2, x3, [sp, #16]
    ldp     x0, x1, [sp], #32
    ldr     x9, [sp], #16
    eret

// Acknowledges the interrupt at the GIC, records IAR, ELR, SPSR and the vector offset, ends it.
irq_handler:
    stp     x0, x1, [sp, #-32]!
    stp     x2, x3, [sp, #16]
    ldr     x1, =GICC
    ldr     w2, [x1, #0x00C]            // GICC_IAR
    adr     x0, irq_record
    str     x2, [x0, #IRQ_IAR]
    mrs     x3, ELR_EL1
    str     x3, [x0, #IRQ_ELR]
    mrs     x3, SPSR_EL1
    str     x3, [x0, #IRQ_SPSR]
    str     x9, [x0, #IRQ_VECTOR]
    ldr     x3, [x0, #IRQ_COUNT]
    add     x3, x3, #1
    str     x3, [x0, #IRQ_COUNT]
    str     w2, [x1, #0x010]            // GICC_EOIR
    adr     x0, exception_record        // log it as ESR 0xffffffff0000iiii (not a syndrome: IRQs have none)
    ldr     x3, [x0, #RECORD_LOG_ENABLED]
    cbz     x3, 1f
    ldr     x3, [x0, #RECORD_LOG_COUNT]
    cmp     x3, #LOG_CAPACITY
    b.hs    1f
    add     x1, x3, #1
    str     x1, [x0, #RECORD_LOG_COUNT]
    adr     x1, exception_log
    add     x1, x1, x3, lsl #5
    orr     x2, x2, #0xFFFFFFFF00000000
    str     x2, [x1]
    mrs     x3, ELR_EL1
    str     x3, [x1, #8]
    mrs     x3, SPSR_EL1
    str     x3, [x1, #16]
1:
    ldp     x2, x3, [sp, #16]
    ldp     x0, x1, [sp], #32
    ldr     x9, [sp], #16
    eret

unexpected_exception:
    adr     x0, unexpected_message
    mov     x1, x0
    mov     x0, #SEMIHOST_WRITE0
    hlt     #0xF000
    adr     x1, exit_block
    mov     x0, #99
    str     x0, [x1, #8]
    mov     x0, #SEMIHOST_EXIT
    hlt     #0xF000
    b       .

    .ltorg

    .data
    .p2align 4
exception_record:                       // see the RECORD_ fields
    .space  96
    .p2align 4
irq_record:                             // see the IRQ_ fields
    .space  48
exception_log:                          // esr, elr, spsr, padding
    .space  32 * LOG_CAPACITY
exit_block:
    .quad   0x20026, 0
    .p2align 4
exclusive_area:
    .quad   0x1000, 0x2000
    .p2align 7
zero_area:
    .space  256
hex_buffer:
    .asciz  " 0000000000000000\n"
unexpected_message:
    .asciz  "unexpected exception\n"

    .bss
    .p2align 4
stack:
    .space  0x4000
stack_top:
    .space  0x1000
stack_el0_top:

    .equ exception_resume, exception_record + RECORD_RESUME
