import Foundation
import Testing
import TestSupport
@testable import A64

/// Every instruction of the guest kernel's images disassembles exactly as llvm-objdump prints it.
///
/// The images come from the GuestKernel target's resource bundle, which this test target cannot
/// depend on: `PROBEBENCH_GUEST_ELF` names one image, otherwise every `.elf` in a
/// `.build/*/ProbeBench_GuestKernel.resources/` directory of this package is used. Without any,
/// the test is skipped with a message.
@Suite(.enabled(if: Toolchain.found != nil, Comment(rawValue: Toolchain.missingReason)))
struct DisassemblerGuestImageTests {
    static let packageRoot = PackageRoot.url

    static let images: [URL] = {
        if let path = ProcessInfo.processInfo.environment["PROBEBENCH_GUEST_ELF"] {
            return [URL(fileURLWithPath: path)]
        }
        let build = packageRoot.appendingPathComponent(".build")
        let fileManager = FileManager.default
        var found: [URL] = []
        for configuration in (try? fileManager.contentsOfDirectory(atPath: build.path)) ?? [] {
            let resources = build.appendingPathComponent(configuration)
                .appendingPathComponent("ProbeBench_GuestKernel.resources")
            for name in (try? fileManager.contentsOfDirectory(atPath: resources.path)) ?? [] where name.hasSuffix(".elf") {
                found.append(resources.appendingPathComponent(name).resolvingSymlinksInPath())
            }
        }
        // debug and the triple-named directory it links to hold the same files.
        var seen = Set<String>()
        return found.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }()

    @Test(.enabled(if: !images.isEmpty, "no guest image built yet (set PROBEBENCH_GUEST_ELF or run swift build)"),
          arguments: images)
    func everyInstructionOfTheGuestImageMatchesObjdump(image: URL) throws {
        let toolchain = try #require(Toolchain.found)
        let lines = try toolchain.disassemble(image)
        let outcome = try ObjdumpComparison.compare(lines)
        print("guest image \(image.lastPathComponent): \(outcome.summary)")
        #expect(!lines.isEmpty, "objdump listed no instructions in \(image.path)")
        #expect(outcome.mismatches.isEmpty, outcome.report)
    }
}
