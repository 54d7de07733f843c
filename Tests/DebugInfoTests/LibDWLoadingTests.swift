@testable import DebugInfo
import Foundation
import Testing

/// Loading libdw: the clear "unavailable" error when it cannot be loaded, and the struct mirrors.
struct LibDWLoadingTests {
    @Test func bogusLibraryNameIsReportedAsUnavailable() {
        let name = "libdw-does-not-exist.so.42"
        do {
            _ = try LibDW.load(libraryName: name)
            Issue.record("loading \(name) succeeded")
        } catch let error as DebugInfoError {
            guard case .libdwUnavailable(let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reason.contains(name))
            #expect(error.description.hasPrefix("libdw is unavailable"))
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test("a library without the needed functions names the first missing symbol",
          .enabled(if: TestEnvironment.libdwAvailable, "needs libelf.so.1, which libdw.so.1 depends on"))
    func libraryWithoutSymbolsIsReportedAsUnavailable() {
        #expect(throws: DebugInfoError.libdwUnavailable(
            reason: "libelf.so.1 has no symbol dwarf_begin (elfutils 0.188 or later is needed)")) {
            try LibDW.load(libraryName: "libelf.so.1")
        }
    }

    @Test(.enabled(if: TestEnvironment.libdwAvailable, "libdw.so.1 cannot be loaded on this machine"),
          .enabled(if: ProcessInfo.processInfo.environment[LibDW.libraryOverrideVariable] == nil,
                   "PROBEBENCH_LIBDW overrides the library"))
    func sharedInstanceLoadsTheDefaultLibrary() throws {
        #expect(try LibDW.shared().libraryName == LibDW.defaultLibraryName)
    }

    @Test("with libdw unavailable every entry point throws the same clear error",
          .enabled(if: !TestEnvironment.libdwAvailable, "libdw is available; run with PROBEBENCH_LIBDW=bogus to check"))
    func entryPointsReportUnavailable() throws {
        let failure = try #require(Result { try LibDW.shared() }.failure as? DebugInfoError)
        guard case .libdwUnavailable = failure else {
            Issue.record("unexpected \(failure)")
            return
        }
        #expect(throws: failure) { try DWARFProgram(elfPath: "/proc/self/exe") }
        #expect(throws: failure) { try DWARFUnwinder(elfPath: "/proc/self/exe") }
    }

    @Test func mirroredStructsHaveTheCSizes() {
        #expect(LibDW.mirroredLayoutSizes == LibDW.expectedLayoutSizes)
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
