/// A 32-bit encoding pattern such as `"z0010001 0h iiiiiiiiiiii nnnnn ddddd"`, most significant bit first.
///
/// `0` and `1` are fixed bits; a letter names a field (each letter one contiguous run of bits);
/// `-` is a bit the encoding ignores. Spaces are for readability and are dropped.
public struct BitPattern: Sendable, Hashable {
    /// The bits that must match `value` for a word to belong to this pattern.
    public let mask: UInt32
    /// The required values of the fixed bits.
    public let value: UInt32
    /// The named fields, keyed by their letter.
    public let fields: [Character: BitField]
    /// The same fields indexed by ASCII code, for fast extraction while decoding.
    private let fieldsByASCII: [BitField?]
    /// The pattern text without spaces, 32 characters.
    public let text: String

    public init(_ pattern: String) {
        let characters = pattern.filter { $0 != " " }
        precondition(characters.count == 32, "encoding pattern '\(pattern)' has \(characters.count) bits, not 32")
        var mask: UInt32 = 0
        var value: UInt32 = 0
        var runs: [Character: (low: Int, high: Int)] = [:]
        for (index, character) in characters.enumerated() {
            let bit = 31 - index
            switch character {
            case "0":
                mask |= 1 << bit
            case "1":
                mask |= 1 << bit
                value |= 1 << bit
            case "-":
                break
            default:
                precondition(character.isLetter, "encoding pattern '\(pattern)' has an invalid character '\(character)'")
                if let run = runs[character] {
                    precondition(run.low == bit + 1, "field '\(character)' in '\(pattern)' is not contiguous")
                    runs[character] = (bit, run.high)
                } else {
                    runs[character] = (bit, bit)
                }
            }
        }
        self.mask = mask
        self.value = value
        let fields = runs.mapValues { BitField(low: UInt8($0.low), width: UInt8($0.high - $0.low + 1)) }
        var fieldsByASCII = [BitField?](repeating: nil, count: 128)
        for (letter, field) in fields {
            fieldsByASCII[Int(letter.asciiValue!)] = field
        }
        self.fields = fields
        self.fieldsByASCII = fieldsByASCII
        self.text = characters
    }

    /// Whether `word` has this pattern's fixed bits.
    @inlinable
    public func matches(_ word: UInt32) -> Bool { word & mask == value }

    /// The number of fixed bits: more fixed bits make a more specific pattern.
    public var specificity: Int { mask.nonzeroBitCount }

    /// The value of field `letter` in `word`; the field must exist.
    public func field(_ letter: Unicode.Scalar, in word: UInt32) -> UInt32 {
        // A scalar, not a Character: a Character's ASCII value is found through its string, which
        // made every field read of the decoder cost hundreds of host instructions.
        guard letter.value < 128, let field = fieldsByASCII[Int(letter.value)] else {
            preconditionFailure("pattern '\(text)' has no field '\(letter)'")
        }
        return field.extract(from: word)
    }
}

/// A contiguous run of bits in an instruction word.
public struct BitField: Sendable, Hashable {
    public let low: UInt8
    public let width: UInt8

    @inlinable
    public func extract(from word: UInt32) -> UInt32 {
        (word >> UInt32(low)) & ((1 << UInt32(width)) - 1)
    }

    /// The bits of the field within a word.
    public var mask: UInt32 { ((1 << UInt32(width)) - 1) << UInt32(low) }
}
