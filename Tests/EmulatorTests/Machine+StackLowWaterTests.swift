import Emulator
import Testing

/// The machine tracks the lowest SP since `resetStackLowWater()`, through every way SP changes.
@Suite("Machine stack low-water mark", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineStackLowWaterTests {
    @Test("the low-water mark is the lowest SP reached by SUB, pre-index writeback and a load pair, not the final SP")
    func lowestStackPointer() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                ldr     x0, =0x40100000
                mov     sp, x0
                hlt     #1
                sub     sp, sp, #0x40
                stp     x29, x30, [sp, #-16]!
                str     x0, [sp, #-32]!
                add     sp, sp, #0x70
            second:
                hlt     #2
                mov     x1, sp
                sub     x1, x1, #0x100
                and     sp, x1, #0xFFFFFFFFFFFFFFF0 // 0x400fff00: lower still, by a logical immediate
                ldp     x2, x3, [sp], #0x100
            third:
                hlt     #3
            """)
        guard case .halted(immediate: 1, _) = machine.run(instructionLimit: 100) else {
            Issue.record("the program did not reach hlt #1")
            return
        }
        machine.resetStackLowWater()
        #expect(machine.stackLowWater == 0x4010_0000)
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 2, pc: try program.require("second")))
        #expect(machine.stackLowWater == 0x4010_0000 - 0x70, "low water \(hex(machine.stackLowWater))")
        #expect(machine.sp == 0x4010_0000)
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 3, pc: try program.require("third")))
        #expect(machine.stackLowWater == 0x400F_FF00, "low water \(hex(machine.stackLowWater))")
        #expect(machine.sp == 0x4010_0000)
        machine.resetStackLowWater()
        #expect(machine.stackLowWater == 0x4010_0000)
    }
}
