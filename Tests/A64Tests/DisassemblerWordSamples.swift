@testable import A64

/// Instruction words drawn from the encoding table for differential tests.
enum DisassemblerWordSamples {
    /// `count` words of `row`: its fixed bits, every field filled with a random value, with the
    /// edge values (all zeros, all ones, one, the register number 30) drawn a quarter of the time.
    static func words(of row: EncodingRow, count: Int, using generator: inout some RandomNumberGenerator) -> [UInt32] {
        let fields = row.pattern.fields.values.sorted { $0.low < $1.low }
        let free = ~row.pattern.mask & ~fields.reduce(0) { $0 | $1.mask }
        return (0..<count).map { _ in
            var word = row.pattern.value | (UInt32.random(in: 0...UInt32.max, using: &generator) & free)
            for field in fields {
                word |= value(for: field, using: &generator) << UInt32(field.low)
            }
            return word
        }
    }

    private static func value(for field: BitField, using generator: inout some RandomNumberGenerator) -> UInt32 {
        let all = UInt32((UInt64(1) << UInt64(field.width)) - 1)
        guard Int.random(in: 0..<4, using: &generator) == 0 else { return UInt32.random(in: 0...all, using: &generator) }
        let edges: [UInt32] = [0, all, 1, field.width == 5 ? 30 : all >> 1]
        return edges[Int.random(in: 0..<edges.count, using: &generator)]
    }

    /// Every word obtained by flipping one fixed bit of a sample of `row`: the near misses that test
    /// whether the row's fixed bits are right.
    static func nearMisses(of row: EncodingRow, samples: Int, using generator: inout some RandomNumberGenerator) -> [UInt32] {
        let bases = words(of: row, count: samples, using: &generator)
        var result: [UInt32] = []
        for base in bases {
            for bit in 0..<32 where row.pattern.mask >> UInt32(bit) & 1 == 1 {
                result.append(base ^ (1 << UInt32(bit)))
            }
        }
        return result
    }

    /// The register fields of the table's patterns (Rd, Rn, Rm, Ra, Rt, Rt2, Rs).
    static let registerLetters: Set<Character> = ["d", "n", "m", "a", "t", "u", "s"]

    /// Words where the aliases live: every register field the same register (31, 30 or a random
    /// one), and every value of the small fields that select aliases and names (immr/imms, shift
    /// and extend types, conditions, CRm:op2), each with random other fields.
    static func aliasCorners(of row: EncodingRow, using generator: inout some RandomNumberGenerator) -> [UInt32] {
        let fields = row.pattern.fields
        var result: [UInt32] = []
        for register in [31, 30, UInt32.random(in: 0...29, using: &generator)] {
            for sample in words(of: row, count: 8, using: &generator) {
                var word = sample
                for (letter, field) in fields where registerLetters.contains(letter) {
                    word = word & ~field.mask | register << UInt32(field.low)
                }
                result.append(word)
            }
        }
        // Exhaust the selector fields with at most 15 bits between them, the rest random.
        let selectors = fields.filter { !registerLetters.contains($0.key) && $0.key != "i" }.map(\.value)
        let selectorBits = selectors.reduce(0) { $0 + Int($1.width) }
        guard selectorBits > 0, selectorBits <= 15 else { return result }
        for combination in 0..<(1 << selectorBits) {
            var word = words(of: row, count: 1, using: &generator)[0]
            var remaining = UInt32(combination)
            for field in selectors {
                let value = remaining & UInt32((1 << UInt32(field.width)) - 1)
                remaining >>= UInt32(field.width)
                word = word & ~field.mask | value << UInt32(field.low)
            }
            result.append(word)
            // Register fields equal too, for the aliases that need both (cset, cinc, ror, mul).
            for (letter, field) in fields where registerLetters.contains(letter) {
                word = word & ~field.mask | 31 << UInt32(field.low)
            }
            if combination & 1 == 0 { result.append(word) }
        }
        return result
    }
}
