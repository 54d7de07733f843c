import Emulator
import Testing

/// `counters.blocksEntered` counts every predecoded block the executor enters, including those it
/// leaves to the general executor for one instruction and then goes on with.
@Suite("Machine block count", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineBlockCountTests {
    @Test("blocks that hand an instruction to the general executor are counted")
    func blocksWithAGeneralInstructionAreCounted() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                mov     x0, #0
            loop:
                add     x0, x0, #1
                mrs     x1, tpidr_el1
                cmp     x0, #10
                b.ne    loop
            done:
                hlt     #1
            """)
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 1, pc: try program.require("done")))
        #expect(machine[x: 0] == 10)
        // The block from _start, nine more from `loop` and the one holding HLT.
        #expect(machine.counters.blocksEntered == 11, "blocks entered: \(machine.counters.blocksEntered)")
    }
}
