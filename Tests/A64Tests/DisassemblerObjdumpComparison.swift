import Foundation
import Testing
@testable import A64

/// Compares our disassembly with llvm-objdump's, line by line.
enum ObjdumpComparison {
    /// One disagreement, printed with everything needed to reproduce it.
    struct Mismatch: CustomStringConvertible {
        let address: UInt64
        let word: UInt32
        let row: String
        let ours: String
        let objdump: String
        var description: String {
            "0x\(String(address, radix: 16)): 0x\(String(word, radix: 16)) [\(row)] ours '\(ours)' objdump '\(objdump)'"
        }
    }

    /// The outcome of a comparison.
    struct Outcome {
        var compared = 0
        var mismatches: [Mismatch] = []
        /// Words objdump decodes that we call UNDEFINED, counted by the allow-list's reason.
        var allowed: [String: Int] = [:]
        var allowedLog: [String] = []

        var summary: String {
            let reasons = allowed.sorted { $0.value > $1.value }.map { "  \($0.value) × \($0.key)" }
            return "\(compared) words compared, \(mismatches.count) mismatches, "
                + "\(allowed.values.reduce(0, +)) allowed UNDEFINED disagreements"
                + (reasons.isEmpty ? "" : ":\n" + reasons.joined(separator: "\n"))
        }

        /// The test failure text: every mismatch, one a line.
        var report: Comment {
            let shown = mismatches.map(\.description).joined(separator: "\n")
            return "\(mismatches.count) of \(compared) words differ from llvm-objdump:\n\(shown)"
        }
    }

    /// The row that matched `word`, or what the decoder made of it.
    static func rowName(_ word: UInt32) -> String {
        guard let encoding = Decoder.encoding(of: word) else { return "no row" }
        return Decoder.decode(word, at: 0).isDefined ? "\(encoding)" : "\(encoding), UNDEFINED fields"
    }

    /// Assembles `words` with `.inst` into one object, lists it with objdump once, and compares.
    static func compareRawWords(_ words: [UInt32]) throws -> Outcome {
        let toolchain = try #require(Toolchain.found)
        let lines = try Toolchain.withTemporaryDirectory { try toolchain.disassembleRawWords(words, in: $0) }
        try #require(lines.count == words.count, "objdump listed \(lines.count) of \(words.count) words")
        return try compare(lines)
    }

    /// Compares every line (symbol annotations aside); words objdump accepts but we call UNDEFINED
    /// are checked against the allow-list.
    static func compare(_ lines: [ObjdumpLine]) throws -> Outcome {
        var outcome = Outcome()
        for line in lines {
            outcome.compared += 1
            let ours = Disassembler.disassemble(word: line.word, address: line.address)
                .text(symbol: nil, commentColumn: line.commentColumn)
            let theirs = line.textWithoutSymbol
            if ours == theirs { continue }
            if !Decoder.decode(line.word, at: line.address).isDefined,
               let reason = UndefinedAllowList.reason(word: line.word, objdump: theirs) {
                outcome.allowed[reason, default: 0] += 1
                outcome.allowedLog.append(
                    "allowed 0x\(String(line.word, radix: 16)) [\(rowName(line.word))] objdump '\(theirs)': \(reason)")
                continue
            }
            outcome.mismatches.append(Mismatch(address: line.address, word: line.word, row: rowName(line.word),
                                               ours: ours, objdump: theirs))
        }
        try appendToLog(outcome)
        return outcome
    }

    /// With `A64_MISMATCH_LOG` set, appends every mismatch and every allowed disagreement with its
    /// reason to that file, for whoever fixes them or reviews the allow-list.
    private static func appendToLog(_ outcome: Outcome) throws {
        guard let path = ProcessInfo.processInfo.environment["A64_MISMATCH_LOG"] else { return }
        let log = (outcome.mismatches.map(\.description) + outcome.allowedLog).map { $0 + "\n" }.joined()
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(log.utf8))
            try handle.close()
        } else {
            try log.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
