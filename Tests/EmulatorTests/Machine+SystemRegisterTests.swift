import Emulator
import Testing

/// System register behaviour the QEMU fixture cannot compare yet.
@Suite("Machine system registers", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineSystemRegisterTests {
    @Test("MSR CNTFRQ_EL0 at EL1, the highest exception level here, writes the register as on QEMU")
    func counterFrequencyIsWritableAtTheHighestLevel() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                ldr     x0, =100000000
                msr     CNTFRQ_EL0, x0
                mrs     x1, CNTFRQ_EL0
            done:
                hlt     #1
                .ltorg
            """)
        let stop = machine.run(instructionLimit: 100)
        let done = try program.require("done")
        #expect(stop == .halted(immediate: 1, pc: done), "MSR CNTFRQ_EL0 must not fault: \(stop)")
        #expect(machine[x: 1] == 100_000_000, "CNTFRQ_EL0 reads \(machine[x: 1]) after writing 100000000")
    }
}
