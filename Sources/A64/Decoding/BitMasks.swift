/// Bit-manipulation helpers shared by the decoder, the disassembler and the executor.
public enum BitMasks {
    /// A value with the low `count` bits set (`count` up to 64).
    @inlinable
    public static func ones(_ count: Int) -> UInt64 {
        count >= 64 ? ~0 : (1 << UInt64(count)) &- 1
    }

    /// Sign-extends the low `bits` bits of `value`.
    @inlinable
    public static func signExtend(_ value: UInt64, bits: Int) -> UInt64 {
        let shift = UInt64(64 - bits)
        return UInt64(bitPattern: Int64(bitPattern: value << shift) >> shift)
    }

    /// Rotates the low `width` bits of `value` right by `amount`.
    @inlinable
    public static func rotateRight(_ value: UInt64, by amount: Int, width: Int) -> UInt64 {
        let amount = amount % width
        guard amount != 0 else { return value }
        let mask = ones(width)
        return ((value >> UInt64(amount)) | (value << UInt64(width - amount))) & mask
    }

    /// The Arm ARM's DecodeBitMasks for logical immediates: the `wmask`, or nil where the
    /// (N, imms, immr) combination is reserved.
    public static func logicalImmediate(n: UInt32, imms: UInt32, immr: UInt32, width: Int) -> UInt64? {
        let combined = (n << 6) | (~imms & 0x3F)
        guard combined != 0 else { return nil }
        let length = 31 - combined.leadingZeroBitCount
        guard length >= 1 else { return nil }
        let levels = UInt32(ones(length))
        guard imms & levels != levels else { return nil }
        let elementSize = 1 << length
        guard elementSize <= width else { return nil }
        let s = Int(imms & levels)
        let r = Int(immr & levels)
        let element = rotateRight(ones(s + 1), by: r, width: elementSize)
        var result: UInt64 = 0
        var position = 0
        while position < width {
            result |= element << UInt64(position)
            position += elementSize
        }
        return result
    }
}
