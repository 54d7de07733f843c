import Emulator
import Foundation
import TestSupport
import Testing

/// The architecture fixture (`Fixtures/architecture.S`: exceptions, syndromes, software step, GICv2
/// interrupts, ERET, SP banking, self-modifying code, the exclusive monitor, system registers) must
/// print the same lines and exit with the same status on our machine as on
/// `qemu-system-aarch64 -M virt -cpu cortex-a72`. The fixture's header lists what it leaves out and why.
@Suite("Architecture fixture against qemu-system-aarch64")
struct QEMUSystemDifferentialTests {
    /// `-semihosting`, with the semihosting console sent to `console` rather than QEMU's standard
    /// error (where QEMU 7.2 writes it by default, among its own diagnostics).
    static func qemuArguments(kernel: URL, console: URL) -> [String] {
        ["-M", "virt", "-cpu", "cortex-a72", "-m", "1G", "-nographic",
         "-chardev", "file,id=semihosting,path=" + console.path,
         "-semihosting-config", "enable=on,target=native,chardev=semihosting",
         "-kernel", kernel.path]
    }

    @Test(
        "the architecture fixture prints the same and exits the same as on qemu-system-aarch64",
        .enabled(if: ReferenceEmulator.system != nil, "qemu-system-aarch64 not found: install qemu-system-arm to run this test"),
        .enabled(if: Toolchain.shared != nil, "the toolchain's clang and ld.lld were not found"))
    func architectureFixtureMatchesQEMU() throws {
        let qemu = try #require(ReferenceEmulator.system)
        let assembler = try #require(try GuestAssembler.makeDefault(purpose: "qemu-system-differential"))
        let fixture = try #require(Bundle.module.url(forResource: "architecture", withExtension: "S", subdirectory: "Fixtures"),
                                   "Fixtures/architecture.S is missing from the test bundle")
        let program = try assembler.build(sourceFile: fixture, named: "architecture", target: .bareMetal)

        let consoleFile = assembler.directory.url.appending(path: "qemu-console.txt")
        let reference = try Subprocess.run(qemu, Self.qemuArguments(kernel: program.url, console: consoleFile), timeout: 60)
        try #require(!reference.timedOut && !reference.wasSignalled, "\(reference.summary): \(reference.standardError)")
        let theirOutput = try String(contentsOf: consoleFile, encoding: .utf8)
        let theirLines = theirOutput.split(separator: "\n", omittingEmptySubsequences: false)
        // Equal output is only meaningful if the fixture ran to its end.
        try #require(theirLines.contains { $0.hasPrefix("exceptions ") },
                     "the fixture did not finish on QEMU (\(reference.summary)):\n\(theirLines.suffix(10).joined(separator: "\n"))\n\(reference.standardError)")

        let machine = program.makeMachine()
        var console: [UInt8] = []
        machine.consoleOutput = { console.append($0) }
        let stop = machine.run(instructionLimit: 10_000_000)
        let ourLines = String(decoding: console, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)

        var differences: [String] = []
        for index in 0..<max(ourLines.count, theirLines.count) {
            let ours = index < ourLines.count ? String(ourLines[index]) : "(nothing)"
            let theirs = index < theirLines.count ? String(theirLines[index]) : "(nothing)"
            if ours != theirs { differences.append("  line \(index + 1): ours `\(ours)`, qemu `\(theirs)`") }
        }
        if !differences.isEmpty {
            Issue.record("""
                the architecture fixture's output differs from qemu-system-aarch64 in \(differences.count) lines \
                (after the first difference, later ones may only be its consequences):
                \(differences.prefix(40).joined(separator: "\n"))
                """)
        }
        #expect(stop == .exited(status: Int64(reference.status)),
                "our machine stopped with \(stop); \(reference.summary)")
    }
}
