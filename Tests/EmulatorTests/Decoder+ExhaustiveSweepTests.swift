import A64
import Foundation
import Testing

/// Decodes every one of the 2^32 instruction words (opt in with `PROBEBENCH_EXHAUSTIVE_DECODE=1`;
/// about ten CPU-minutes): the decoder must never trap, must hand back the word it was given,
/// must agree with its own row lookup, and every row must own exactly the words its pattern leaves
/// to it. Prints the number of words and of defined words per row.
@Suite("Exhaustive decoder sweep")
struct DecoderExhaustiveSweepTests {
    static let isEnabled = ProcessInfo.processInfo.environment["PROBEBENCH_EXHAUSTIVE_DECODE"] == "1"
    static let chunkBits = 16

    /// Per-row counts, merged from the chunks under a lock.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var matched: [Int]
        private(set) var defined: [Int]
        private(set) var problems: [String] = []

        init(rows: Int) {
            matched = Array(repeating: 0, count: rows)
            defined = Array(repeating: 0, count: rows)
        }

        func add(matched chunkMatched: [Int], defined chunkDefined: [Int], problems chunkProblems: [String]) {
            lock.lock()
            defer { lock.unlock() }
            for index in matched.indices {
                matched[index] += chunkMatched[index]
                defined[index] += chunkDefined[index]
            }
            if problems.count < 20 { problems += chunkProblems.prefix(20 - problems.count) }
        }
    }

    @Test("every 32-bit word decodes, consistently, and each row owns exactly its pattern's words",
          .enabled(if: isEnabled, "set PROBEBENCH_EXHAUSTIVE_DECODE=1 to decode all 2^32 words"))
    func everyWordDecodes() {
        let rows = EncodingTable.rows
        let tally = Tally(rows: rows.count)
        let chunkCount = 1 << (32 - Self.chunkBits)
        let clock = ContinuousClock(), start = clock.now
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var matched = [Int](repeating: 0, count: rows.count)
            var defined = [Int](repeating: 0, count: rows.count)
            var problems: [String] = []
            let first = UInt32(chunk) << UInt32(Self.chunkBits)
            for offset in 0..<UInt32(1 << Self.chunkBits) {
                let word = first | offset
                let instruction = Decoder.decode(word, at: 0x4008_0000)
                let encoding = Decoder.encoding(of: word)
                if let encoding { matched[Int(encoding.rawValue)] += 1 }
                if instruction.word != word {
                    problems.append("0x\(String(word, radix: 16)) decodes to an instruction for 0x\(String(instruction.word, radix: 16))")
                }
                guard instruction.isDefined else { continue }
                defined[Int(instruction.encoding.rawValue)] += 1
                if encoding != instruction.encoding || !instruction.encoding.row.pattern.matches(word) {
                    problems.append("0x\(String(word, radix: 16)) decodes as \(instruction.encoding) but its row lookup gives \(encoding.map { "\($0)" } ?? "none")")
                }
            }
            tally.add(matched: matched, defined: defined, problems: problems)
        }

        #expect(tally.problems.isEmpty, "inconsistent decodes:\n\(tally.problems.joined(separator: "\n"))")
        var report = ["row                 words    defined"]
        for row in rows {
            let index = Int(row.encoding.rawValue)
            // A row owns the words of its pattern except those of more specific rows nested inside it.
            let nested = rows.filter { other in
                other.pattern.specificity > row.pattern.specificity
                    && other.pattern.mask & row.pattern.mask == row.pattern.mask
                    && other.pattern.value & row.pattern.mask == row.pattern.value
            }
            let expected = (1 << (32 - row.pattern.specificity)) - nested.reduce(0) { $0 + (1 << (32 - $1.pattern.specificity)) }
            #expect(tally.matched[index] == expected,
                    "\(row.encoding) owns \(tally.matched[index]) words; its pattern \(row.pattern.text) leaves it \(expected)")
            #expect(tally.defined[index] > 0, "no word decodes as \(row.encoding)")
            #expect(tally.defined[index] <= tally.matched[index])
            report.append("\("\(row.encoding)".padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(tally.matched[index]).leftPadded(to: 10)) \(String(tally.defined[index]).leftPadded(to: 10))")
        }
        let total = tally.defined.reduce(0, +)
        report.append("defined words: \(total) of 4294967296, in \(clock.now - start)")
        print(report.joined(separator: "\n"))
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
