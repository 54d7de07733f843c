/// A stretch of a probe definition's text, in Unicode scalars from its start: where a token is,
/// so that an error can put a caret under it.
public struct DefinitionSpan: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The first scalar of the stretch.
    public var start: Int
    /// How many scalars it covers (0 for a point between two scalars, e.g. the end of the text).
    public var length: Int

    public init(start: Int, length: Int) {
        self.start = max(0, start)
        self.length = max(0, length)
    }

    /// One past the last scalar.
    public var end: Int { start + length }

    /// The stretch from the start of `self` to the end of `other`.
    public func through(_ other: DefinitionSpan) -> DefinitionSpan {
        DefinitionSpan(start: min(start, other.start), length: max(end, other.end) - min(start, other.start))
    }

    public var description: String { "\(start)..<\(end)" }
}

/// Renders a definition and a caret line under a span, for error messages.
enum CaretRenderer {
    /// The definition as printed (control characters other than tab shown as `?`), and a line
    /// with `^` under the span's first scalar and `~` under the rest of it.
    static func render(_ text: String, span: DefinitionSpan) -> (line: String, caret: String) {
        let scalars = Array(text.unicodeScalars)
        var line = ""
        var caret = ""
        for (index, scalar) in scalars.enumerated() {
            let shown: Character = scalar == "\t" ? "\t" : (scalar.value < 0x20 || scalar.value == 0x7F) ? "?" : Character(scalar)
            line.append(shown)
            if index < span.start {
                caret.append(shown == "\t" ? "\t" : " ")
            } else if index < span.end {
                caret.append(index == span.start ? "^" : "~")
            }
        }
        if span.start >= scalars.count {
            caret += String(repeating: " ", count: max(0, span.start - scalars.count)) + "^"
        }
        return (line, caret)
    }
}
