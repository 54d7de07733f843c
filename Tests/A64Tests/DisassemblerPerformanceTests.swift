import Testing
@testable import A64

/// Disassembly is used for tracing, so it must stay cheap: 100k words well under a second.
@Suite struct DisassemblerPerformanceTests {
    @Test func hundredThousandWordsDisassembleWellUnderASecond() {
        // Real instructions, not random words: every table row's samples, cycled.
        var generator = DecoderTotalityTests.Xorshift(state: 0xFA57_D15A)
        var words: [UInt32] = []
        for row in EncodingTable.rows {
            words += DisassemblerWordSamples.words(of: row, count: 100_000 / EncodingTable.rows.count + 1, using: &generator)
        }
        words = Array(words.prefix(100_000))
        let clock = ContinuousClock()
        var characters = 0
        let elapsed = clock.measure {
            for (index, word) in words.enumerated() {
                characters += Disassembler.text(word: word, address: 0x4008_0000 + UInt64(index) * 4).utf8.count
            }
        }
        print("disassembled \(words.count) words (\(characters) characters) in \(elapsed)")
        // About 0.1 s alone, 0.3 s beside the other suites on two cores; 0.75 s leaves room for a slow CI.
        #expect(elapsed < .milliseconds(750), "100k words took \(elapsed)")
    }
}
