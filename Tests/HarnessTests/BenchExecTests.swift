import Foundation
import Testing
import TestSupport

/// `bench exec` as users run it: the built executable on small programs, its exit status and messages.
@Suite(.enabled(if: Toolchain.shared != nil, "the toolchain's clang and ld.lld were not found"))
struct BenchExecTests {
    /// Assembles `source` (which defines `_start`) and runs `bench exec` on it with `arguments`.
    func exec(_ source: String, _ arguments: [String] = [], name: String = #function) throws -> SubprocessResult {
        guard let assembler = try GuestAssembler.makeDefault(purpose: "exec") else {
            throw SubprocessError(description: Toolchain.missingReason)
        }
        let program = try assembler.build(assembly: "    .text\n    .globl _start\n" + source,
                                          named: name.filter { $0.isLetter || $0.isNumber }, target: .bareMetal)
        return try BenchEndToEndTests.bench(["exec", program.url.path] + arguments, timeout: 60)
    }

    @Test func anExceptionAtItsOwnVectorEndsTheRunWithStatus70AndSaysWhy() throws {
        // The UDF enters VBAR + 0x200, where untouched RAM reads as UDF #0: nothing ever retires.
        let result = try exec("""
            _start:
                ldr     x0, =0x50000000
                msr     VBAR_EL1, x0
                udf     #1
            """, ["--max-instructions", "1000"])
        #expect(!result.timedOut, "bench exec must not spin: \(result.summary)")
        #expect(result.status == 70, "\(result.summary)\n\(result.standardError)")
        #expect(result.standardError.contains("undefined instruction at the first instruction of the vector it enters")
                    && result.standardError.contains("PC 0x50000200") && result.standardError.contains("ESR_EL1 0x2000000"),
                "the message must say what, where and the syndrome: \(result.standardError)")
    }

    /// Exits through semihosting (SYS_EXIT_EXTENDED) with the status in `register`.
    static func exit(status register: String) -> String {
        """
            mov     x0, #0x18
            ldr     x2, =0x20026
            adr     x3, exit_block
            str     x2, [x3]
            str     \(register), [x3, #8]
            mov     x1, x3
            hlt     #0xF000
            .ltorg
            .p2align 3
        exit_block:
            .quad   0, 0
        """
    }

    /// A program that patches an instruction it then runs, with DC CVAU but no IC IVAU.
    static let selfPatching = """
        _start:
            adr     x1, patched
            ldr     w2, =0xD2800000             // mov x0, #0
            str     w2, [x1]
            dc      cvau, x1
            dsb     ish
            isb
        patched:
            mov     x0, #3
            mov     x1, x0
        """ + "\n" + exit(status: "x1")

    @Test func requiredCodeMaintenanceStopsAPatchWithoutInstructionCacheInvalidation() throws {
        let lenient = try exec(Self.selfPatching, name: "selfPatchingLenient")
        #expect(lenient.status == 0, "without the flag the write is seen at once: \(lenient.summary)\n\(lenient.standardError)")
        let strict = try exec(Self.selfPatching, ["--require-code-maintenance"], name: "selfPatchingStrict")
        #expect(strict.status == 70, "\(strict.summary)\n\(strict.standardError)")
        #expect(strict.standardError.contains("without IC IVAU") && strict.standardError.contains("in patched"),
                "the message must name the step and the place: \(strict.standardError)")
    }

    /// A NOP patched into a branch, both instructions the architecture lets a core run while they
    /// are modified: the early fetch runs, but the program exits with the line not synchronized.
    @Test func aConcurrentlyModifiablePatchLeftUnmaintainedFailsAtExit() throws {
        let program = """
            _start:
                adr     x1, patched
                ldr     w2, =0x14000002             // b +8: over the mov below
                str     w2, [x1]
                dc      cvau, x1
                dsb     ish
                isb
            patched:
                nop
                mov     x0, #3
            """ + "\n" + Self.exit(status: "xzr")
        let strict = try exec(program, ["--require-code-maintenance"], name: "branchPatchStrict")
        #expect(strict.status == 70, "\(strict.summary)\n\(strict.standardError)")
        #expect(strict.standardError.contains("exited with code it wrote") && strict.standardError.contains("lacking IC IVAU"),
                "\(strict.standardError)")
    }

    @Test("the guest's status is bench exec's; one outside 0–255 exits 1 with a note giving it",
          arguments: [(Int64(0), Int32(0)), (3, 3), (255, 255), (256, 1), (512, 1), (-1, 1), (0x1_0000_0000, 1)])
    func guestExitStatus(guest: Int64, expected: Int32) throws {
        let result = try exec("""
            _start:
                mov     x0, #0x18
                adr     x1, exit_block
                hlt     #0xF000
                .p2align 3
            exit_block:
                .quad   0x20026, \(guest)
            """, name: "exitStatus\(guest < 0 ? "Minus" : "")\(guest.magnitude)")
        #expect(!result.timedOut && !result.wasSignalled, "\(result.summary)")
        #expect(result.status == expected, "guest status \(guest): \(result.summary)\n\(result.standardError)")
        if (0...255).contains(guest) {
            #expect(result.standardError.isEmpty, "no note for a status that fits: \(result.standardError)")
        } else {
            #expect(result.standardError.contains("the guest exited with status \(guest)"),
                    "the note must give the guest's real status: \(result.standardError)")
        }
    }
}
