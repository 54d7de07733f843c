import Emulator
import Testing

/// PC hooks stop the run before the hooked instruction; running again executes it and goes on.
@Suite("Machine PC hooks", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineHookTests {
    static let straightLine = """
        _start:
            mov     x0, #0
            add     x0, x0, #1
        middle:
            add     x0, x0, #2
            add     x0, x0, #4
        done:
            hlt     #1
        """

    @Test("a hook in the middle of a straight-line block stops before it; resuming runs past it")
    func hookStopsAndResumes() throws {
        let (machine, program) = try TestProgram.machine(Self.straightLine)
        let middle = try program.require("middle"), done = try program.require("done")
        machine.addHook(at: middle)
        let first = machine.run(instructionLimit: 100)
        #expect(first == .hook(pc: middle))
        #expect(machine[x: 0] == 1, "only the instructions before the hook ran: x0 = \(machine[x: 0])")
        #expect(machine.pc == middle)
        let second = machine.run(instructionLimit: 100)
        #expect(second == .halted(immediate: 1, pc: done), "resuming must continue past the hook, got \(second)")
        #expect(machine[x: 0] == 7)
    }

    @Test("a hook added after its block was decoded and executed still fires")
    func hookAddedToAnExecutedBlock() throws {
        let (machine, program) = try TestProgram.machine(Self.straightLine)
        let start = try program.require("_start"), middle = try program.require("middle")
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: try program.require("done")))
        machine.addHook(at: middle)
        machine.pc = start
        #expect(machine.run(instructionLimit: 100) == .hook(pc: middle))
        #expect(machine[x: 0] == 1)
    }

    @Test("a removed hook no longer stops the run")
    func removedHook() throws {
        let (machine, program) = try TestProgram.machine(Self.straightLine)
        let middle = try program.require("middle")
        machine.addHook(at: middle)
        machine.removeHook(at: middle)
        #expect(machine.hookAddresses.isEmpty)
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: try program.require("done")))
    }

    @Test("a hook in a loop fires on every iteration")
    func hookInALoop() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                mov     x1, #3
            loop:
                add     x0, x0, #1
            hooked:
                sub     x1, x1, #1
                cbnz    x1, loop
                hlt     #1
            """)
        let hooked = try program.require("hooked")
        machine.addHook(at: hooked)
        var hits = 0
        while case .hook(let pc) = machine.run(instructionLimit: 1_000) {
            #expect(pc == hooked)
            #expect(machine[x: 0] == UInt64(hits + 1), "the hook fires before the SUB of iteration \(hits + 1)")
            hits += 1
            guard hits < 10 else { break }
        }
        #expect(hits == 3)
        #expect(machine[x: 1] == 0)
    }
}
