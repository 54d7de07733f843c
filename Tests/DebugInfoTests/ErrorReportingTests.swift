import DebugInfo
import Foundation
import Testing

/// Wrong, damaged and debug-less files get errors that say which file and what is wrong.
@Suite(.enabled(if: TestEnvironment.libdwAvailable, "libdw.so.1 cannot be loaded on this machine"))
struct ErrorReportingTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("probebench-\(UUID().uuidString).elf")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func missingFile() {
        let path = "/nonexistent/guest.elf"
        #expect(throws: DebugInfoError.cannotOpen(path: path, reason: "No such file or directory")) {
            try DWARFProgram(elfPath: path)
        }
        #expect(throws: DebugInfoError.cannotOpen(path: path, reason: "No such file or directory")) {
            try DWARFUnwinder(elfPath: path)
        }
    }

    @Test func notAnELFFile() throws {
        let url = try temporaryFile(Array("this is not an ELF file at all, just some text padding it out to 64+ bytes".utf8))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: DebugInfoError.malformedELF(path: url.path, reason: "the ELF magic number \\x7fELF is missing")) {
            try DWARFProgram(elfPath: url.path)
        }
    }

    @Test func tooShortForAHeader() throws {
        let url = try temporaryFile([0x7f, 0x45, 0x4c, 0x46, 2, 1])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: DebugInfoError.malformedELF(path: url.path, reason: "the file is 6 bytes, shorter than an ELF header")) {
            try DWARFProgram(elfPath: url.path)
        }
    }

    @Test("the host's own x86-64 executable is refused as not AArch64")
    func hostExecutableIsNotAArch64() throws {
        let path = "/proc/self/exe"
        do {
            _ = try DWARFProgram(elfPath: path)
            Issue.record("an x86-64 executable was accepted")
        } catch DebugInfoError.notAArch64(let reportedPath, let reason) {
            #expect(reportedPath == path)
            #expect(reason.contains("e_machine is 62 (x86-64)"))
        }
        #expect(throws: DebugInfoError.self) { try DWARFUnwinder(elfPath: path) }
    }

    @Test(.enabled(if: TestEnvironment.toolchainAvailable, "needs the toolchain's clang + ld.lld"))
    func truncatedAArch64File() throws {
        let full = try Data(contentsOf: FixturePrograms.typesDWARF5.get())
        let url = try temporaryFile(Array(full.prefix(4096)))
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try DWARFProgram(elfPath: url.path)
            Issue.record("a truncated ELF file was accepted")
        } catch DebugInfoError.malformedELF(let reportedPath, let reason) {
            #expect(reportedPath == url.path)
            #expect(reason.contains("section header table"))
        }
    }

    @Test(.enabled(if: TestEnvironment.toolchainAvailable, "needs the toolchain's clang + ld.lld"))
    func fileWithoutDWARF() throws {
        let url = try FixturePrograms.typesWithoutDebugInfo.get()
        #expect(throws: DebugInfoError.noDebugInfo(path: url.path)) {
            try DWARFProgram(elfPath: url.path)
        }
    }
}
