import Foundation
import Testing
@testable import A64

/// Every instruction of a real clang-built AArch64 image disassembles exactly as llvm-objdump prints it.
///
/// The image is built in the test from `Fixtures/KernelCorpus.c.in` (kernel-style C) and
/// `Fixtures/SystemCorpus.S.in` (system instructions, hints, barriers and addressing forms), with
/// the toolchain's clang and ld.lld as the guest is built, and listed with the toolchain's objdump.
@Suite(.enabled(if: Toolchain.found != nil, Comment(rawValue: Toolchain.missingReason)))
struct DisassemblerCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Builds the corpus image, text at `textAddress`, into `directory` and returns its path.
    static func buildCorpus(in directory: URL, textAddress: UInt64 = 0x4008_0000) throws -> URL {
        let toolchain = try #require(Toolchain.found)
        let image = directory.appendingPathComponent("corpus.elf")
        try Toolchain.run(toolchain.clang, [
            "--target=aarch64-none-elf", "-march=armv8-a", "-O2", "-g", "-ffreestanding", "-nostdlib",
            "-mgeneral-regs-only", "--ld-path=" + toolchain.linker.path, "-Wl,-Ttext=0x" + String(textAddress, radix: 16),
            "-x", "c", fixtures.appendingPathComponent("KernelCorpus.c.in").path,
            "-x", "assembler-with-cpp", fixtures.appendingPathComponent("SystemCorpus.S.in").path,
            "-o", image.path,
        ])
        return image
    }

    /// Linked where the guest lives (8-digit addresses) and where a kernel would (16-digit
    /// addresses, which move objdump's instruction column and so its comment padding).
    @Test(arguments: [0x4008_0000, 0xFFFF_8000_0808_0000] as [UInt64])
    func everyInstructionOfTheCorpusImageMatchesObjdump(textAddress: UInt64) throws {
        let toolchain = try #require(Toolchain.found)
        let lines = try Toolchain.withTemporaryDirectory { directory in
            try toolchain.disassemble(try Self.buildCorpus(in: directory, textAddress: textAddress))
        }
        let outcome = try ObjdumpComparison.compare(lines)
        let mnemonics = Set(lines.map { $0.text.prefix { $0 != "\t" } })
        print("corpus image at 0x\(String(textAddress, radix: 16)): \(outcome.summary); \(mnemonics.count) distinct mnemonics")
        // The corpus must stay broad: losing most of it would make this test vacuous.
        #expect(lines.count > 1200, "only \(lines.count) instructions in the corpus image")
        #expect(mnemonics.count > 150, "only \(mnemonics.count) distinct mnemonics in the corpus image")
        #expect(outcome.allowed.isEmpty, "the corpus has words we call UNDEFINED: \(outcome.allowedLog)")
        #expect(outcome.mismatches.isEmpty, outcome.report)
    }

    /// With the image's symbols, the full objdump line matches too, ` <symbol+offset>` included.
    @Test func symbolizedTargetsMatchObjdumpsAnnotations() throws {
        let toolchain = try #require(Toolchain.found)
        let (listing, symbols) = try Toolchain.withTemporaryDirectory { directory in
            let image = try Self.buildCorpus(in: directory)
            return (try toolchain.disassemble(image), ObjdumpSymbolizer(try toolchain.symbols(of: image)))
        }
        var mismatches: [String] = []
        var annotated = 0
        for line in listing where Decoder.decode(line.word, at: line.address).isDefined {
            let instruction = Disassembler.disassemble(word: line.word, address: line.address)
            let ours = instruction.text(symbol: instruction.target.flatMap(symbols.symbolize), commentColumn: line.commentColumn)
            if line.text.hasSuffix(">") { annotated += 1 }
            if ours != line.text {
                mismatches.append("0x\(String(line.address, radix: 16)): ours '\(ours)' objdump '\(line.text)'")
            }
        }
        print("corpus image: \(annotated) symbolized targets compared")
        #expect(annotated > 150, "only \(annotated) symbolized targets in the corpus image")
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) lines differ:\n" + mismatches.joined(separator: "\n")))
    }
}
