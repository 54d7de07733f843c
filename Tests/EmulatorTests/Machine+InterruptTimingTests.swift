import Emulator
import Testing

/// Exactly when interrupts are taken: `scheduleInterrupt(_:afterInstructions:)` raises one once that
/// many more instructions have retired, and the guest takes it before the next instruction if IRQs
/// are unmasked; an SGI the guest sends itself is taken right after the sending store.
@Suite("Machine interrupt timing", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineInterruptTimingTests {
    static let interruptID = 40

    /// Enables the GIC and SPI 40, then stops with `hlt #1` just before `body`: 64 ADDs counting in
    /// x3, then `hlt #3`. The IRQ handler puts ELR in x20 and the acknowledged id in x21, then `hlt #2`.
    /// With `masked`, IRQs stay masked through the body; `unmask` then unmasks them and ends with `hlt #4`.
    static func program(masked: Bool) -> String {
        """
        _start:
            adr     x0, vectors
            msr     VBAR_EL1, x0
            ldr     x1, =0x08000000
            mov     w2, #1
            str     w2, [x1]                    // GICD_CTLR
            mov     w2, #(1 << 8)
            str     w2, [x1, #0x104]            // GICD_ISENABLER1: interrupt 40
            ldr     x1, =0x08010000
            mov     w2, #0xF0
            str     w2, [x1, #4]                // GICC_PMR
            mov     w2, #1
            str     w2, [x1]                    // GICC_CTLR
            \(masked ? "msr     DAIFSet, #2" : "msr     DAIFClr, #2")
            hlt     #1
        body:
            .rept   64
            add     x3, x3, #1
            .endr
            hlt     #3
        unmask:
            msr     DAIFClr, #2
        after_unmask:
            nop
            hlt     #4
            .ltorg

            .p2align 11
        vectors:
            .space  0x280
            mrs     x20, ELR_EL1
            ldr     x1, =0x08010000
            ldr     w21, [x1, #0xC]             // GICC_IAR
            str     w21, [x1, #0x10]            // GICC_EOIR
            hlt     #2
        """
    }

    @Test("an unmasked interrupt scheduled after k instructions is taken with ELR k instructions on",
          arguments: [0, 1, 2, 17, 63])
    func takenAfterExactlyKInstructions(k: Int) throws {
        let (machine, program) = try TestProgram.machine(Self.program(masked: false))
        let body = try program.require("body")
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 1, pc: body - 4))
        machine.scheduleInterrupt(Self.interruptID, afterInstructions: UInt64(k))
        let stop = machine.run(instructionLimit: 1_000)
        guard case .halted(immediate: 2, _) = stop else {
            Issue.record("expected the IRQ handler's hlt #2 after \(k) instructions, got \(stop)")
            return
        }
        #expect(machine[x: 20] == body + UInt64(4 * k), "ELR \(hex(machine[x: 20])); \(k) instructions after \(hex(body)) is \(hex(body + UInt64(4 * k)))")
        #expect(machine[x: 3] == UInt64(k), "\(machine[x: 3]) ADDs ran before the interrupt, expected \(k)")
        #expect(machine[x: 21] == UInt64(Self.interruptID), "GICC_IAR gave \(machine[x: 21])")
        #expect(machine.counters.interrupts == 1)
    }

    @Test("a step at a due interrupt takes only the interrupt: the instruction there and the vector's first wait")
    func stepTakesTheInterruptAlone() throws {
        let (machine, program) = try TestProgram.machine(Self.program(masked: false))
        let body = try program.require("body"), vectors = try program.require("vectors")
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 1, pc: body - 4))
        machine.scheduleInterrupt(Self.interruptID, afterInstructions: 2)
        _ = machine.step(cycles: { 0 })
        _ = machine.step(cycles: { 0 })
        let instructions = machine.counters.instructions
        let entry = machine.step(cycles: { 0 })
        #expect(entry.exceptionBeforeFetch && entry.address == body + 8)
        #expect(machine.pc == vectors + 0x280 && machine.counters.instructions == instructions)
        #expect(entry.formatted(symbolize: { _ in nil }).contains("(exception taken before this instruction)"))
        let first = machine.step(cycles: { 0 })
        #expect(!first.exceptionBeforeFetch && first.address == vectors + 0x280)
        #expect(machine.counters.instructions == instructions + 1)
    }

    @Test("a masked interrupt stays pending until the guest unmasks IRQs, then is taken at once")
    func maskedInterruptWaitsForUnmask() throws {
        let (machine, program) = try TestProgram.machine(Self.program(masked: true))
        let body = try program.require("body"), unmask = try program.require("unmask")
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 1, pc: body - 4))
        machine.scheduleInterrupt(Self.interruptID, afterInstructions: 5)
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 3, pc: unmask - 4),
                "the masked interrupt must not be taken during the body")
        #expect(machine[x: 3] == 64)
        #expect(machine.interruptController.pendingInterrupts == [Self.interruptID])
        let stop = machine.run(instructionLimit: 1_000)
        guard case .halted(immediate: 2, _) = stop else {
            Issue.record("expected the IRQ handler's hlt #2 once unmasked, got \(stop)")
            return
        }
        #expect(machine[x: 20] == (try program.require("after_unmask")), "taken right after MSR DAIFClr: ELR \(hex(machine[x: 20]))")
    }

    @Test("a cancelled interrupt is never raised")
    func cancelledInterrupt() throws {
        let (machine, program) = try TestProgram.machine(Self.program(masked: false))
        let body = try program.require("body")
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 1, pc: body - 4))
        machine.scheduleInterrupt(Self.interruptID, afterInstructions: 3)
        machine.cancelScheduledInterrupt()
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 3, pc: try program.require("unmask") - 4))
        #expect(machine.counters.interrupts == 0)
    }

    @Test("an SGI the guest sends itself with IRQs unmasked is taken right after the store that sends it")
    func guestSGIIsTakenAfterTheStore() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                adr     x0, vectors
                msr     VBAR_EL1, x0
                ldr     x1, =0x08000000
                mov     w2, #1
                str     w2, [x1]                    // GICD_CTLR
                ldr     x3, =0x08010000
                mov     w2, #0xF0
                str     w2, [x3, #4]                // GICC_PMR
                mov     w2, #1
                str     w2, [x3]                    // GICC_CTLR
                msr     DAIFClr, #2
                ldr     w2, =0x02000003             // GICD_SGIR: SGI 3 to this CPU
                str     w2, [x1, #0xF00]
            after_store:
                add     x4, x4, #1
                add     x4, x4, #1
                hlt     #3
                .ltorg

                .p2align 11
            vectors:
                .space  0x280
                mrs     x20, ELR_EL1
                ldr     w21, [x3, #0xC]             // GICC_IAR
                hlt     #2
            """)
        let stop = machine.run(instructionLimit: 1_000)
        guard case .halted(immediate: 2, _) = stop else {
            Issue.record("expected the IRQ handler's hlt #2, got \(stop)")
            return
        }
        #expect(machine[x: 20] == (try program.require("after_store")), "ELR \(hex(machine[x: 20]))")
        #expect(machine[x: 4] == 0, "no instruction after the store may run before the interrupt")
        #expect(machine[x: 21] == 3)
    }
}
