import Emulator
import Foundation
import Testing
import TestSupport
@testable import GuestKernel

/// The guest's self-test image checks every path internally; its summary must be identical under
/// our emulator and under QEMU's system emulation, and it must pass.
@Suite struct SelfTestDifferentialTests {
    /// The self-test's run on our machine, done once and shared by both tests (it is long).
    static let emulatorRun: Result<(output: String, status: Int64), Error> = Result { try runSelfTest() }

    func runOnEmulator() throws -> (output: String, status: Int64) {
        try Self.emulatorRun.get()
    }

    /// Runs the self-test image on our machine: console output and exit status.
    static func runSelfTest() throws -> (output: String, status: Int64) {
        let image = try ELFImage(contentsOf: try GuestKernel.imageURL(.selfTest))
        let machine = Machine(image: image)
        // The self-test patches code on every path: hold it to the cache maintenance rules.
        let symbols = SymbolTable(image: image)
        let code = try [(GuestABI.Symbol.textStart, GuestABI.Symbol.textEnd), ("pb_near_area_start", "pb_near_area_end")]
            .map { start, end in
                try #require(symbols.address(of: start))..<(try #require(symbols.address(of: end)))
            }
        machine.requireCodeMaintenance(in: code + [GuestABI.moduleAreaBase..<(GuestABI.moduleAreaBase + GuestABI.moduleAreaSize)])
        var output: [UInt8] = []
        machine.consoleOutput = { output.append($0) }
        let stop = machine.run(instructionLimit: 2_000_000_000)
        guard case .exited(let status) = stop else {
            Issue.record("the self-test did not exit: \(stop)\n\(String(decoding: output, as: UTF8.self))")
            return (String(decoding: output, as: UTF8.self), -1)
        }
        return (String(decoding: output, as: UTF8.self), status)
    }

    @Test func selfTestPassesOnTheEmulator() throws {
        let (output, status) = try runOnEmulator()
        #expect(status == 0, "self-test failed on the emulator:\n\(output)")
        #expect(output.contains("SELFTEST PASSED"))
        #expect(!output.contains("[FAIL]"), "\(output)")
    }

    @Test(.enabled(if: ReferenceEmulator.system != nil,
                   "qemu-system-aarch64 not found: install qemu-system-arm to run this test (CI does)"))
    func summaryIsIdenticalUnderQEMU() throws {
        let qemu = try #require(ReferenceEmulator.system)
        let image = try GuestKernel.imageURL(.selfTest)
        // The semihosting console goes to a file, so QEMU's own messages cannot mix into it.
        let (reference, qemuOutput) = try ScratchDirectory.using(purpose: "selftest") { directory in
            let console = directory.appending(path: "console.txt")
            let reference = try Subprocess.run(qemu, ["-M", "virt", "-cpu", "cortex-a72", "-m", "1G", "-nographic",
                                                       "-chardev", "file,id=semihosting,path=" + console.path,
                                                       "-semihosting-config", "enable=on,target=native,chardev=semihosting",
                                                       "-kernel", image.path], timeout: 120)
            return (reference, (try? String(contentsOf: console, encoding: .utf8)) ?? "")
        }
        #expect(!reference.timedOut, "QEMU timed out")
        let (ours, status) = try runOnEmulator()
        #expect(Int64(reference.status) == status, "exit status: QEMU \(reference.status), ours \(status)")
        #expect(qemuOutput == ours, "summaries differ:\n--- QEMU\n\(qemuOutput)\n--- ours\n\(ours)")
        #expect(qemuOutput.contains("SELFTEST PASSED"))
    }
}
