/// The definition's text as Unicode scalars, with the character classes and number syntax the
/// kernel's probe parser uses. Every access is bounds-checked: any input string is safe.
struct DefinitionScanner {
    let text: String
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    /// The scalar at `index`, or nil past either end.
    subscript(_ index: Int) -> Unicode.Scalar? {
        index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    /// The text of `start..<end` (clamped to the text).
    func string(_ start: Int, _ end: Int) -> String {
        let lower = max(0, min(start, scalars.count))
        let upper = max(lower, min(end, scalars.count))
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[lower..<upper])
        return String(result)
    }

    /// An error at `start..<end`.
    func error(_ code: ProbeDefinitionError.Code, _ message: String, _ start: Int, _ end: Int) -> ProbeDefinitionError {
        ProbeDefinitionError(code, message, definition: text, span: DefinitionSpan(start: start, length: max(0, end - start)))
    }

    /// Whitespace-separated words, as the kernel's `argv_split` makes them: `(start, end)` pairs.
    func words() -> [(start: Int, end: Int)] {
        var result: [(Int, Int)] = []
        var index = 0
        while index < scalars.count {
            while index < scalars.count, Self.isSpace(scalars[index]) { index += 1 }
            guard index < scalars.count else { break }
            let start = index
            while index < scalars.count, !Self.isSpace(scalars[index]) { index += 1 }
            result.append((start, index))
        }
        return result
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    /// `[A-Za-z0-9_]`.
    static func isIdentifierCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || isDigit(scalar) || scalar == "_"
    }

    /// The kernel's `is_good_name`, without dots: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isGoodName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy(isIdentifierCharacter)
    }

    /// The end of the identifier starting at `index` (`index` itself when there is none).
    func identifierEnd(from index: Int, allowingDots: Bool = false) -> Int {
        var end = index
        while let scalar = self[end], Self.isIdentifierCharacter(scalar) || (allowingDots && scalar == ".") { end += 1 }
        return end
    }

    /// Parses an unsigned number in `start..<end` the way `kstrtoul(…, 0, …)` does: `0x` hex,
    /// a leading `0` octal, otherwise decimal. Nil when the text is not exactly such a number or overflows.
    func unsignedNumber(_ start: Int, _ end: Int) -> UInt64? {
        guard start < end, start >= 0, end <= scalars.count else { return nil }
        var index = start
        var radix: UInt64 = 10
        if scalars[index] == "0", index + 1 < end, scalars[index + 1] == "x" || scalars[index + 1] == "X" {
            radix = 16
            index += 2
            guard index < end else { return nil }
        } else if scalars[index] == "0", index + 1 < end {
            radix = 8
            index += 1
        }
        var value: UInt64 = 0
        while index < end {
            guard let digit = Self.digitValue(scalars[index]), UInt64(digit) < radix else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// A number with an optional leading `+` or `-` in `start..<end`, as `kstrtol(…, 0, …)`: nil when malformed
    /// or outside the signed 64-bit range.
    func signedNumber(_ start: Int, _ end: Int) -> Int64? {
        guard start < end, let first = self[start] else { return nil }
        let negative = first == "-"
        let digitsStart = first == "-" || first == "+" ? start + 1 : start
        guard let magnitude = unsignedNumber(digitsStart, end) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": return Int(scalar.value - 48)
        case "a"..."f": return Int(scalar.value - 97 + 10)
        case "A"..."F": return Int(scalar.value - 65 + 10)
        default: return nil
        }
    }

    /// The first index in `start..<end` holding `scalar`, if any.
    func firstIndex(of scalar: Unicode.Scalar, in start: Int, _ end: Int) -> Int? {
        var index = max(0, start)
        while index < min(end, scalars.count) {
            if scalars[index] == scalar { return index }
            index += 1
        }
        return nil
    }
}
