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
}
