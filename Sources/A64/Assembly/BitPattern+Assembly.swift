extension BitPattern {
    /// The word with this pattern's fixed bits and each named field set to its value in `fields`.
    ///
    /// Every field of the pattern must be given, with a value that fits its width: the encoders
    /// check ranges before they get here, so a violation is a bug in an encoder.
    func assemble(_ values: KeyValuePairs<Character, UInt32>) -> UInt32 {
        precondition(values.count == fields.count, "pattern '\(text)' has fields \(fields.keys.sorted()), given \(values.map(\.key))")
        var word = value
        for (letter, fieldValue) in values {
            guard let field = fields[letter] else { preconditionFailure("pattern '\(text)' has no field '\(letter)'") }
            precondition(fieldValue >> UInt32(field.width) == 0,
                         "value \(fieldValue) does not fit field '\(letter)' of '\(text)'")
            word |= fieldValue << UInt32(field.low)
        }
        return word
    }
}
