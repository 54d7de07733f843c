import Foundation
import Testing
@testable import A64

/// Our text against llvm-objdump's for random words of every table row, and for the near misses
/// around each row: every word is assembled with `.inst` into one object that objdump lists once.
@Suite(.enabled(if: Toolchain.found != nil, Comment(rawValue: Toolchain.missingReason)))
struct DisassemblerDifferentialTests {
    static let wordsPerRow = 400
    static let nearMissSamplesPerRow = 6

    /// One disagreement, printed with everything needed to reproduce it.
    struct Mismatch: CustomStringConvertible {
        let word: UInt32
        let row: String
        let ours: String
        let objdump: String
        var description: String {
            "0x\(String(word, radix: 16)) [\(row)] ours '\(ours)' objdump '\(objdump)'"
        }
    }

    /// The row that matched `word`, or what the decoder made of it.
    static func rowName(_ word: UInt32) -> String {
        guard let encoding = Decoder.encoding(of: word) else { return "no row" }
        return Decoder.decode(word, at: 0).isDefined ? "\(encoding)" : "\(encoding), UNDEFINED fields"
    }

    /// Compares every word; words objdump accepts but we call UNDEFINED are checked against the allow-list.
    static func compare(_ words: [UInt32]) throws -> (compared: Int, mismatches: [Mismatch], allowed: [String: Int]) {
        let toolchain = try #require(Toolchain.found)
        let directory = try Toolchain.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try toolchain.disassembleRawWords(words, in: directory)
        try #require(lines.count == words.count, "objdump listed \(lines.count) of \(words.count) words")
        var mismatches: [Mismatch] = []
        var allowed: [String: Int] = [:]
        for line in lines {
            let ours = Disassembler.text(word: line.word, address: line.address)
            let theirs = line.textWithoutSymbol
            if ours == theirs { continue }
            if !Decoder.decode(line.word, at: line.address).isDefined,
               let reason = UndefinedAllowList.reason(word: line.word, objdump: theirs) {
                allowed[reason, default: 0] += 1
                continue
            }
            mismatches.append(Mismatch(word: line.word, row: rowName(line.word), ours: ours, objdump: theirs))
        }
        if let path = ProcessInfo.processInfo.environment["A64_MISMATCH_LOG"] {
            // A full list for whoever is fixing them; the test failure shows the first few hundred.
            let log = mismatches.map(\.description).joined(separator: "\n") + "\n"
            if let handle = FileHandle(forWritingAtPath: path) {
                handle.seekToEndOfFile()
                handle.write(Data(log.utf8))
                try? handle.close()
            } else {
                try log.write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        return (lines.count, mismatches, allowed)
    }

    static func report(_ mismatches: [Mismatch], of compared: Int) -> Comment {
        let shown = mismatches.prefix(300).map(\.description).joined(separator: "\n")
        return "\(mismatches.count) of \(compared) words differ from llvm-objdump:\n\(shown)"
    }

    @Test func randomWordsOfEveryRowMatchObjdump() throws {
        var generator = DecoderTotalityTests.Xorshift(state: 0x5EED_0F_A64_D15A)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.words(of: row, count: Self.wordsPerRow, using: &generator)
        }
        let (compared, mismatches, allowed) = try Self.compare(words)
        print("differential sweep: \(compared) words compared, allowed UNDEFINED disagreements: \(allowed)")
        #expect(mismatches.isEmpty, Self.report(mismatches, of: compared))
    }

    @Test func nearMissesOfEveryRowMatchObjdump() throws {
        var generator = DecoderTotalityTests.Xorshift(state: 0x0DD_BA11_A64)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.nearMisses(of: row, samples: Self.nearMissSamplesPerRow, using: &generator)
        }
        let (compared, mismatches, allowed) = try Self.compare(words)
        print("near-miss sweep: \(compared) words compared, allowed UNDEFINED disagreements: \(allowed)")
        #expect(mismatches.isEmpty, Self.report(mismatches, of: compared))
    }
}
