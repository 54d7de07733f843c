import A64
import Foundation
import TestSupport
import Testing

/// For random field values of every table row, the decoder must accept exactly the words that
/// llvm-objdump, configured as a Cortex-A72 (Armv8.0 with its optional CRC and crypto extensions),
/// decodes: no valid encoding of an implemented instruction is rejected, and no unallocated
/// combination of fields (a reserved shift, an invalid bitmask, a 32-bit shift of 32 or more…) is
/// accepted. This checks the rejections the QEMU differential tests never execute.
///
/// The system register rows (MRS, MSR) are left out on purpose: the machine implements only the
/// registers `SystemRegister` lists and makes every other one UNDEFINED, like a core without them,
/// while llvm-objdump prints any encoding as a generic `S3_…` register.
@Suite("Decoder against llvm-objdump")
struct DecoderLLVMAgreementTests {
    static let seed: UInt64 = 0xA64_D1FF_2222
    static let wordsPerRow = 2_000
    static let excludedRows: Set<Encoding> = [.MRS, .MSR_reg, .MSR_imm]

    @Test("the decoder accepts exactly the words of its rows that llvm-objdump decodes for a Cortex-A72",
          .enabled(if: Toolchain.shared?.objdump != nil, "llvm-objdump was not found next to the toolchain's clang or on PATH"))
    func decoderAgreesWithLLVM() throws {
        let toolchain = try #require(Toolchain.shared)
        let objdump = try #require(toolchain.objdump)
        let directory = try ScratchDirectory(purpose: "llvm-agreement")
        var random = SplitMix64(seed: Self.seed)
        var words: [(word: UInt32, encoding: Encoding)] = []
        for row in EncodingTable.rows where !Self.excludedRows.contains(row.encoding) {
            for _ in 0..<Self.wordsPerRow {
                var word = row.pattern.value
                for field in row.pattern.fields.values {
                    word |= UInt32(truncatingIfNeeded: random.next()) & field.mask
                }
                words.append((word, row.encoding))
            }
        }

        let source = directory.url.appending(path: "words.S"), object = directory.url.appending(path: "words.o")
        try Data((".text\n" + words.map { ".inst 0x\(hex32($0.word))\n" }.joined()).utf8).write(to: source)
        let assembled = try Subprocess.run(toolchain.clang, ["--target=aarch64-none-elf", "-c", source.path, "-o", object.path])
        try #require(assembled.succeeded, "\(assembled.summary): \(assembled.standardError)")
        let listing = try Subprocess.run(objdump, ["-d", "--mcpu=cortex-a72", "--no-show-raw-insn", object.path], timeout: 120)
        try #require(listing.succeeded, "\(listing.summary): \(listing.standardError)")

        // "      1c: <tab>mnemonic operands" or "<unknown>", one line per word, by offset.
        var llvmText: [Int: String] = [:]
        for line in String(decoding: listing.standardOutput, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let colon = trimmed.firstIndex(of: ":"), let offset = Int(trimmed[..<colon], radix: 16) else { continue }
            llvmText[offset / 4] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        try #require(llvmText.count == words.count, "llvm-objdump listed \(llvmText.count) of \(words.count) words")

        var disagreements: [Encoding: [String]] = [:]
        for (index, candidate) in words.enumerated() {
            let text = llvmText[index] ?? ""
            let llvmDecodes = !text.hasPrefix("<unknown>")
            let weDecode = Decoder.decode(candidate.word, at: 0x4008_0000).isDefined
            guard llvmDecodes != weDecode else { continue }
            disagreements[candidate.encoding, default: []].append(
                "0x\(hex32(candidate.word)): ours \(weDecode ? "defined" : "UNDEFINED"), llvm-objdump `\(text)`")
        }
        let report = disagreements.sorted { $0.key.rawValue < $1.key.rawValue }.map { encoding, examples in
            "  \(encoding): \(examples.count) of \(Self.wordsPerRow) words, e.g.\n    " + examples.prefix(4).joined(separator: "\n    ")
        }
        #expect(disagreements.isEmpty, "the decoder and llvm-objdump disagree on these rows:\n\(report.joined(separator: "\n"))")
    }
}
