@testable import Harness

/// A definition written with the offending token between `⟦` and `⟧`, e.g.
/// `p pb_wl_typed obj⟦.⟧id`: the text without the markers and the span they enclose.
struct MarkedDefinition: CustomStringConvertible {
    let text: String
    let span: DefinitionSpan

    init(_ marked: String) {
        var scalars = String.UnicodeScalarView()
        var start = 0
        var end = 0
        for scalar in marked.unicodeScalars {
            switch scalar {
            case "⟦": start = scalars.count
            case "⟧": end = scalars.count
            default: scalars.append(scalar)
            }
        }
        text = String(scalars)
        span = DefinitionSpan(start: start, length: end - start)
    }

    var description: String { text }
}
