import Testing
@testable import A64

/// The decoder must accept every 32-bit word: no word traps it, each yields an instruction or UNDEFINED.
@Suite struct DecoderTotalityTests {
    /// A fixed-seed xorshift generator, so a failure reproduces.
    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    @Test func tenMillionRandomWordsDecode() {
        var generator = Xorshift(state: 0x9E37_79B9_7F4A_7C15)
        var defined = 0
        for _ in 0..<10_000_000 {
            let word = UInt32(truncatingIfNeeded: generator.next())
            let instruction = Decoder.decode(word, at: 0x4008_0000)
            #expect(instruction.word == word)
            if instruction.isDefined { defined += 1 }
        }
        // Roughly a quarter of the encoding space is integer instructions this machine implements;
        // far fewer would mean rows are missing, far more that UNDEFINED checks are.
        #expect(defined > 1_000_000 && defined < 5_000_000, "defined \(defined) of 10M random words")
    }

    @Test func everyRowDecodesItsOwnFixedBits() {
        for row in EncodingTable.rows {
            #expect(Decoder.encoding(of: row.pattern.value) == row.encoding || row.encoding == .HINT,
                    "the word with only \(row.encoding)'s fixed bits decodes as \(String(describing: Decoder.encoding(of: row.pattern.value)))")
        }
    }

    @Test func overlappingRowsResolveToTheMostSpecific() {
        // Only the hint space has rows nested inside another (NOP inside HINT); everything else is disjoint.
        for (index, a) in EncodingTable.rows.enumerated() {
            for b in EncodingTable.rows[(index + 1)...] {
                let common = a.pattern.mask & b.pattern.mask
                guard a.pattern.value & common == b.pattern.value & common else { continue }
                #expect(a.encoding == .HINT || b.encoding == .HINT,
                        "\(a.encoding) and \(b.encoding) both match some word")
            }
        }
    }
}
