import Emulator
import Testing

/// `run(instructionLimit:)` stops a guest after exactly that many instructions, wherever it is.
@Suite("Machine instruction limit", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineInstructionLimitTests {
    @Test("a runaway loop stops at the limit with exactly that many instructions retired")
    func runawayLoopStopsAtTheLimit() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
            loop:
                add     x0, x0, #1
                b       loop
            """)
        let stop = machine.run(instructionLimit: 1_001)
        #expect(stop == .instructionLimit)
        #expect(machine.counters.instructions == 1_001)
        #expect(machine[x: 0] == 501, "1001 instructions are 501 ADDs and 500 branches; x0 = \(machine[x: 0])")
        #expect(machine.pc == (try program.require("loop")) + 4, "the 1001st instruction was an ADD, so the branch is next")

        let again = machine.run(instructionLimit: 10)
        #expect(again == .instructionLimit)
        #expect(machine.counters.instructions == 1_011, "the limit counts from where the last run stopped")
        #expect(machine[x: 0] == 506)
    }

    @Test("the limit can stop in the middle of a straight-line block", arguments: [0, 1, 7, 49])
    func limitInsideABlock(limit: Int) throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                .rept   50
                add     x0, x0, #1
                .endr
                b       _start
            """)
        let stop = machine.run(instructionLimit: UInt64(limit))
        #expect(stop == .instructionLimit)
        #expect(machine[x: 0] == UInt64(limit), "x0 counts the ADDs that ran: \(machine[x: 0]) after a limit of \(limit)")
        #expect(machine.pc == (try program.require("_start")) + UInt64(4 * limit))
        #expect(machine.counters.instructions == UInt64(limit))
    }

    @Test("straight-line code across a page boundary runs every instruction once, and a limit can stop at the boundary")
    func straightLineAcrossAPage() throws {
        let source = """
            _start:
                .rept   1100
                add     x0, x0, #1
                .endr
            done:
                hlt     #1
            """
        let (machine, program) = try TestProgram.machine(source)
        #expect(machine.run(instructionLimit: 10_000) == .halted(immediate: 1, pc: try program.require("done")))
        #expect(machine[x: 0] == 1_100)

        let (limited, _) = try TestProgram.machine(source)
        let start = try program.require("_start")
        let toBoundary = Int((((start >> 12) + 1) << 12 - start) / 4)
        #expect(limited.run(instructionLimit: UInt64(toBoundary)) == .instructionLimit)
        #expect(limited.pc == ((start >> 12) + 1) << 12 && limited[x: 0] == UInt64(toBoundary))
        #expect(limited.run(instructionLimit: 10_000) == .halted(immediate: 1, pc: try program.require("done")))
        #expect(limited[x: 0] == 1_100)
    }
}
