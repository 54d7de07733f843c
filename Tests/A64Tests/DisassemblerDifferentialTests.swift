import Foundation
import Testing
@testable import A64

/// Our text against llvm-objdump's for random words of every table row, and for the near misses
/// around each row: every word is assembled with `.inst` into one object that objdump lists once.
@Suite(.enabled(if: Toolchain.found != nil, Comment(rawValue: Toolchain.missingReason)))
struct DisassemblerDifferentialTests {
    static let wordsPerRow = 400
    static let nearMissSamplesPerRow = 6

    @Test func randomWordsOfEveryRowMatchObjdump() throws {
        var generator = DecoderTotalityTests.Xorshift(state: 0x5EED_0F_A64_D15A)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.words(of: row, count: Self.wordsPerRow, using: &generator)
        }
        let outcome = try ObjdumpComparison.compareRawWords(words)
        print("differential sweep: \(outcome.summary)")
        #expect(outcome.mismatches.isEmpty, outcome.report)
    }

    @Test func aliasCornersOfEveryRowMatchObjdump() throws {
        var generator = DecoderTotalityTests.Xorshift(state: 0xA11A_5E5_C0DE)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.aliasCorners(of: row, using: &generator)
        }
        let outcome = try ObjdumpComparison.compareRawWords(words)
        print("alias-corner sweep: \(outcome.summary)")
        #expect(outcome.mismatches.isEmpty, outcome.report)
    }

    @Test func nearMissesOfEveryRowMatchObjdump() throws {
        var generator = DecoderTotalityTests.Xorshift(state: 0x0DD_BA11_A64)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.nearMisses(of: row, samples: Self.nearMissSamplesPerRow, using: &generator)
        }
        let outcome = try ObjdumpComparison.compareRawWords(words)
        print("near-miss sweep: \(outcome.summary)")
        #expect(outcome.mismatches.isEmpty, outcome.report)
    }
}
