import Emulator
import Testing

/// Without exception vectors, an exception stops the run with a report that names the PC, the word
/// there and the instructions executed before it.
@Suite("Machine fault reports", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineFaultReportTests {
    @Test("an UNDEFINED instruction with no vectors reports its PC, word, syndrome and the instructions before it")
    func undefinedInstructionWithoutVectors() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                mov     x0, #1
                bl      helper
                mov     x1, #2
            bad:
                udf     #0x1234
            helper:
                add     x0, x0, #3
                ret
            """)
        let stop = machine.run(instructionLimit: 100)
        guard case .fault(let fault) = stop else {
            Issue.record("expected a fault at the UDF, got \(stop)")
            return
        }
        let start = try program.require("_start"), bad = try program.require("bad"), helper = try program.require("helper")
        #expect(fault.pc == bad, "fault PC \(hex(fault.pc)), the UDF is at \(hex(bad))")
        #expect(fault.word == 0x0000_1234, "fault word \(fault.word.map { hex($0) } ?? "nil")")
        #expect(fault.kind == .exceptionWithoutVectors(syndrome: 0x0200_0000))
        #expect(fault.message.contains("undefined instruction"), "message: \(fault.message)")
        #expect(fault.description.contains(String(bad, radix: 16)) && fault.description.contains("1234"),
                "the description must name the PC and the word: \(fault.description)")
        // mov, bl, add, ret, mov: across three blocks, oldest first.
        let expected: [(UInt64, UInt32)] = [
            (start, 0xD280_0020), (start + 4, 0x9400_0003), (helper, 0x9100_0C00), (helper + 4, 0xD65F_03C0),
            (start + 8, 0xD280_0041),
        ]
        #expect(fault.recentInstructions.map(\.address) == expected.map(\.0),
                "recent addresses \(fault.recentInstructions.map { hex($0.address) })")
        #expect(fault.recentInstructions.map(\.word) == expected.map(\.1),
                "recent words \(fault.recentInstructions.map { hex($0.word) })")
        #expect(machine.pc == bad)
    }

    @Test("a load from an address with nothing behind it reports the load, the data abort syndrome and the address")
    func unmappedLoadWithoutVectors() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                ldr     x1, =0x0C000000
            load:
                ldr     x2, [x1, #16]
                hlt     #1
            """)
        let stop = machine.run(instructionLimit: 100)
        guard case .fault(let fault) = stop else {
            Issue.record("expected a fault at the load, got \(stop)")
            return
        }
        #expect(fault.pc == (try program.require("load")))
        #expect(fault.word == 0xF940_0822, "ldr x2, [x1, #16] is 0xf9400822, the report says \(fault.word.map { hex($0) } ?? "nil")")
        #expect(fault.kind == .exceptionWithoutVectors(syndrome: 0x9600_0010))
        #expect(fault.message.contains("0xc000010"), "the message must name the address: \(fault.message)")
    }

    @Test("a branch to an address with nothing behind it reports the target as the PC, with no word")
    func unmappedFetchWithoutVectors() throws {
        let (machine, _) = try TestProgram.machine("""
            _start:
                ldr     x1, =0x0C000000
                br      x1
            """)
        let stop = machine.run(instructionLimit: 100)
        guard case .fault(let fault) = stop else {
            Issue.record("expected a fault fetching from 0xc000000, got \(stop)")
            return
        }
        #expect(fault.pc == 0x0C00_0000)
        #expect(fault.word == nil)
        #expect(fault.kind == .exceptionWithoutVectors(syndrome: 0x8600_0010))
    }

    @Test("vectors at an address with nothing behind them stop the run instead of faulting forever")
    func unusableVectors() throws {
        let (machine, _) = try TestProgram.machine("""
            _start:
                ldr     x0, =0x0C000000
                msr     VBAR_EL1, x0
                brk     #1
            """)
        let stop = machine.run(instructionLimit: 1_000)
        guard case .fault(let fault) = stop else {
            Issue.record("expected a fault at the vector, got \(stop)")
            return
        }
        #expect(fault.pc == 0x0C00_0200, "the BRK goes to VBAR + 0x200, where the fetch fails; PC \(hex(fault.pc))")
        #expect(fault.kind == .recursiveException(syndrome: 0x8600_0010))
    }

    /// Vectors at `vectors` whose synchronous entries (from SP_EL0 and from SP_ELx) start with
    /// `current0` and `currentX`, entered by `trigger` from `_start` after `setup`.
    func vectorProgram(setup: String = "", trigger: String, current0: String = "udf #0", currentX: String) -> String {
        """
        _start:
            adr     x0, vectors
            msr     VBAR_EL1, x0
            \(setup)
        trigger:
            \(trigger)
            hlt     #1
            .balign 2048
        vectors:
            \(current0)
            hlt     #2
            .org    vectors + 0x200
            \(currentX)
            hlt     #3
        """
    }

    @Test("an exception at the first instruction of the vector it enters stops the run with its syndrome",
          arguments: [
              ("udf #0", UInt64(0x0200_0000), "undefined instruction"),
              ("ldr x1, [x2]", 0x9600_0010, "load from an unmapped address"),
              ("stlr x1, [x3]", 0x9600_0061, "misaligned exclusive or store-release access"),
          ])
    func exceptionAtItsOwnVector(instruction: String, syndrome: UInt64, name: String) throws {
        let (machine, program) = try TestProgram.machine(vectorProgram(
            setup: "ldr x2, =0x0C000000\n    ldr x3, =0x40100001", trigger: "udf #1", currentX: instruction))
        // Without the check this never returns: nothing retires, so the limit is never reached.
        guard let fault = Self.faultAtAVector(machine) else { return }
        let vector = try program.require("vectors") + 0x200
        #expect(fault.pc == vector, "the fault is at VBAR + 0x200; PC \(hex(fault.pc))")
        #expect(fault.kind == .recursiveException(syndrome: syndrome))
        #expect(fault.message.contains(name) && fault.message.contains("first instruction of the vector it enters")
                    && fault.message.contains("ESR_EL1 0x\(String(syndrome, radix: 16))"), "message: \(fault.message)")
        #expect(machine.counters.exceptions == 1, "the UDF at `trigger` enters the vector once; the second entry is refused")
        #expect(machine.system.elr == (try program.require("trigger")), "ELR still holds the first exception's return address")
    }

    /// Runs `machine` (which must stop within 60 s) and returns the fault it stopped with, or
    /// records why not and returns nil.
    static func faultAtAVector(_ machine: Machine) -> MachineFault? {
        guard let stop = machine.run(instructionLimit: 1_000, returningWithin: 60) else {
            Issue.record("the run did not return: an exception at a vector is taken forever")
            return nil
        }
        guard case .fault(let fault) = stop else {
            Issue.record("expected a fault at the vector, got \(stop)")
            return nil
        }
        return fault
    }

    @Test("an exception loop through two vectors (SP_EL0's, then SP_ELx's) stops at the second")
    func exceptionLoopThroughTwoVectors() throws {
        let (machine, program) = try TestProgram.machine(vectorProgram(setup: "msr SPSel, #0", trigger: "udf #1",
                                                                       current0: "udf #2", currentX: "udf #3"))
        guard let fault = Self.faultAtAVector(machine) else { return }
        #expect(fault.pc == (try program.require("vectors")) + 0x200)
        #expect(fault.kind == .recursiveException(syndrome: 0x0200_0000))
        #expect(machine.counters.exceptions == 2)
    }

    @Test("a fault at a vector's first instruction that entry cures is taken once, and the handler runs")
    func faultAtAVectorThatEntryCures() throws {
        // The load faults on SP_EL0's misaligned SP and enters the vector it is at; the entry
        // selects SP_EL1, aligned, so the same load then completes.
        let (machine, program) = try TestProgram.machine(vectorProgram(
            setup: "ldr x1, =0x40100000\n    mov sp, x1\n    msr SPSel, #0\n    ldr x1, =0x40100008\n    mov sp, x1",
            trigger: "b vectors",
            current0: "ldr x1, [sp]", currentX: "udf #3"))
        let stop = machine.run(instructionLimit: 1_000, returningWithin: 60)
        #expect(stop == .halted(immediate: 2, pc: (try program.require("vectors")) + 4), "got \(stop.map { "\($0)" } ?? "no return")")
        #expect(machine.counters.exceptions == 1)
    }

    @Test("an SP-based access with a misaligned SP faults while SCTLR_EL1.SA is set, as at reset")
    func stackAlignmentCheck() throws {
        let source = """
            _start:
                ldr     x0, =0x40100008
                mov     sp, x0
            load:
                ldr     x1, [sp]
                hlt     #1
            """
        let (machine, program) = try TestProgram.machine(source)
        let stop = machine.run(instructionLimit: 100)
        guard case .fault(let fault) = stop else {
            Issue.record("expected an SP alignment fault, got \(stop)")
            return
        }
        #expect(fault.pc == (try program.require("load")))
        #expect(fault.kind == .exceptionWithoutVectors(syndrome: 0x9A00_0000))

        let (unchecked, _) = try TestProgram.machine(source)
        unchecked.system.sctlr &= ~(1 << 3)
        let uncheckedStop = unchecked.run(instructionLimit: 100)
        #expect(uncheckedStop == .halted(immediate: 1, pc: (try program.require("load")) + 4),
                "with SA clear the load must succeed, got \(uncheckedStop)")
    }
}
