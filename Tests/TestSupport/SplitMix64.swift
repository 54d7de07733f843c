/// SplitMix64: a small, fast, fixed-seed generator, so every random test reproduces from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for item `index` of a run seeded with `seed`, independent of how many items run.
    public static func derivedSeed(_ seed: UInt64, index: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD6E8_FEB8_6659_FD93))
        return generator.next()
    }
}

/// The pseudo-random scratch-memory contents both sides of a differential test create from a seed.
///
/// The guest program fills its scratch buffer with this xorshift64 sequence (see `assemblyRoutine`),
/// and the host fills our machine's copy with `bytes(seed:count:)`, so a case's initial memory costs
/// one 64-bit seed instead of kilobytes of data in the program.
public enum ScratchFill {
    /// `count` bytes (a multiple of 8): successive xorshift64 states from `seed`, little-endian.
    public static func bytes(seed: UInt64, count: Int) -> [UInt8] {
        precondition(count % 8 == 0 && seed != 0, "scratch fills are whole 64-bit words from a nonzero seed")
        var state = seed
        var result = [UInt8]()
        result.reserveCapacity(count)
        for _ in 0..<(count / 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            for byte in 0..<8 { result.append(UInt8(truncatingIfNeeded: state >> UInt64(byte * 8))) }
        }
        return result
    }

    /// The same fill as an AArch64 routine `name`: x0 = seed, x1 = destination, x2 = number of 64-bit words.
    public static func assemblyRoutine(named name: String) -> String {
        """
        \(name):
            eor     x0, x0, x0, lsl #13
            eor     x0, x0, x0, lsr #7
            eor     x0, x0, x0, lsl #17
            str     x0, [x1], #8
            subs    x2, x2, #1
            b.ne    \(name)
            ret

        """
    }
}
