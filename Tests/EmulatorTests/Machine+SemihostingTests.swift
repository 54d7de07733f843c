import Emulator
import TestSupport
import Testing

/// Semihosting through `HLT #0xF000`: console output (WRITEC, WRITE0) and exit with a status.
@Suite("Machine semihosting", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineSemihostingTests {
    /// Runs a program whose `_start` follows `body`, returning the stop reason and the console output.
    func run(_ body: String, name: String = #function) throws -> (StopReason, String, AssembledProgram) {
        let (machine, program) = try TestProgram.machine("_start:\n" + body, name: name)
        var console: [UInt8] = []
        machine.consoleOutput = { console.append($0) }
        let stop = machine.run(instructionLimit: 1_000)
        return (stop, String(decoding: console, as: UTF8.self), program)
    }

    @Test("WRITEC and WRITE0 reach the console, and EXIT stops the run with the application's status")
    func consoleAndExit() throws {
        let (stop, console, _) = try run("""
                mov     x0, #0x03
                adr     x1, character
                hlt     #0xF000
                mov     x0, #0x04
                adr     x1, string
                hlt     #0xF000
                mov     x0, #0x18
                adr     x1, exit_block
                hlt     #0xF000
                hlt     #7
            character:
                .byte   'A'
            string:
                .asciz  "hello, world\\n"
                .p2align 3
            exit_block:
                .quad   0x20026, 42
            """)
        #expect(console == "Ahello, world\n")
        #expect(stop == .exited(status: 42))
    }

    @Test("EXIT with a reason other than an application exit gives status 1; EXIT_EXTENDED works like EXIT")
    func exitReasons() throws {
        let (abnormal, _, _) = try run("""
                mov     x0, #0x18
                adr     x1, exit_block
                hlt     #0xF000
                .p2align 3
            exit_block:
                .quad   0x20023, 42                 // ADP_Stopped_RunTimeErrorUnknown
            """)
        #expect(abnormal == .exited(status: 1))
        let (extended, _, _) = try run("""
                mov     x0, #0x20
                adr     x1, exit_block
                hlt     #0xF000
                .p2align 3
            exit_block:
                .quad   0x20026, 3
            """)
        #expect(extended == .exited(status: 3))
    }

    @Test("EXIT's status is the whole 64-bit subcode, signed: 2^32 is not 0, and -1 is -1", arguments: [
        ("0x100000000", Int64(0x1_0000_0000)), ("-1", -1), ("256", 256),
    ])
    func exitStatusIsNotCutOff(subcode: String, status: Int64) throws {
        let (stop, _, _) = try run("""
                mov     x0, #0x18
                adr     x1, exit_block
                hlt     #0xF000
                .p2align 3
            exit_block:
                .quad   0x20026, \(subcode)
            """, name: "exitStatus\(status.magnitude)")
        #expect(stop == .exited(status: status))
    }

    @Test("an unsupported operation and a WRITE0 of unmapped memory stop the run with a fault at the call")
    func unsupportedCalls() throws {
        let (open, _, openLabels) = try run("""
                mov     x0, #0x01                   // SYS_OPEN
                adr     x1, _start
            call:
                hlt     #0xF000
            """)
        guard case .fault(let fault) = open else {
            Issue.record("SYS_OPEN must stop the run with a fault, got \(open)")
            return
        }
        #expect(fault.kind == .unsupportedSemihostingCall(0x01))
        #expect(fault.pc == openLabels.address(of: "call"))

        let (write, _, _) = try run("""
                mov     x0, #0x04
                ldr     x1, =0x0C000000
                hlt     #0xF000
                .ltorg
            """)
        guard case .fault(let writeFault) = write else {
            Issue.record("WRITE0 of unmapped memory must stop the run with a fault, got \(write)")
            return
        }
        #expect(writeFault.kind == .unsupportedSemihostingCall(0x04))
        #expect(writeFault.message.contains("0xc000000"), "the message must name the address: \(writeFault.message)")
    }
}
