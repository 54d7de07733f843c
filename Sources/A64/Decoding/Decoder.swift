/// Decodes A64 instruction words using the encoding table.
///
/// Lookup is in two steps, both derived from `EncodingTable.rows`: the top ten bits of the word pick
/// a bucket of candidate rows (most specific first), and the first row whose fixed bits match wins.
/// The row's operand builder then extracts and checks the fields; an unallocated field combination
/// within a row (a reserved shift, an invalid bitmask immediate) is UNDEFINED as well. The decoder
/// is total: every 32-bit word yields an `Instruction`, `.undefined` when nothing accepts it.
public enum Decoder {
    static let bucketShift: UInt32 = 22
    static let bucketCount = 1 << (32 - 22)

    /// For each value of bits 31:22, the rows whose fixed bits there allow it, most specific first.
    static let buckets: [[Encoding]] = {
        let rows = EncodingTable.rows.sorted { $0.pattern.specificity > $1.pattern.specificity }
        let topMask: UInt32 = ~0 << bucketShift
        return (0..<bucketCount).map { index in
            let top = UInt32(index) << bucketShift
            return rows.filter { row in
                (top & row.pattern.mask & topMask) == (row.pattern.value & topMask)
            }.map(\.encoding)
        }
    }()

    /// The table row whose fixed bits `word` has, if any.
    public static func encoding(of word: UInt32) -> Encoding? {
        for encoding in buckets[Int(word >> bucketShift)] where encoding.row.pattern.matches(word) {
            return encoding
        }
        return nil
    }

    /// Decodes `word` as the instruction at `address` (branch and literal targets become absolute).
    public static func decode(_ word: UInt32, at address: UInt64) -> Instruction {
        guard let encoding = encoding(of: word) else { return .undefined(word) }
        return OperandBuilder(word: word, address: address, encoding: encoding).build() ?? .undefined(word)
    }
}
