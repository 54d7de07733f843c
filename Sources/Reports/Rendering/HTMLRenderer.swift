/// Renders a `ReportDocument` as one self-contained HTML file: inline CSS, inline SVG charts, no scripts
/// and no external resources, so it reads the same offline and in a CI artifact viewer.
public enum HTMLRenderer {
    public static func render(_ document: ReportDocument) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(document.title))</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        <header><h1>\(escape(document.title))</h1><p class="subtitle">\(escape(document.subtitle))</p></header>
        <nav><ol>
        """
        for (index, section) in document.sections.enumerated() {
            html += "<li><a href=\"#s\(index)\">\(escape(section.title))</a></li>"
        }
        html += "</ol></nav>\n<main>\n"
        for (index, section) in document.sections.enumerated() {
            html += "<section id=\"s\(index)\"><h2>\(escape(section.title))</h2>\n"
            for block in section.blocks { html += render(block) + "\n" }
            html += "</section>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    static func render(_ block: ReportBlock) -> String {
        switch block {
        case .paragraph(let text): return "<p>\(inline(text))</p>"
        case .verdict(let text): return "<p class=\"verdict\"><strong>Verdict:</strong> \(inline(text))</p>"
        case .table(let table): return render(table)
        case .barChart(let chart): return SVGCharts.bars(chart)
        case .lineChart(let chart): return SVGCharts.lines(chart)
        case .code(let text): return "<pre>\(escape(text))</pre>"
        }
    }

    static func render(_ table: ReportTable) -> String {
        var html = "<table>"
        if !table.caption.isEmpty { html += "<caption>\(escape(table.caption))</caption>" }
        html += "<thead><tr>" + table.headers.enumerated().map { index, header in
            "<th\(table.numericColumns.contains(index) ? " class=\"num\"" : "")>\(escape(header))</th>"
        }.joined() + "</tr></thead><tbody>"
        for row in table.rows {
            html += "<tr>" + row.enumerated().map { index, cell in
                "<td\(table.numericColumns.contains(index) ? " class=\"num\"" : "")>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// Escapes prose and turns Markdown's `code` spans into <code> elements, so one text serves both renderers.
    static func inline(_ text: String) -> String {
        let parts = escape(text).split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.count % 2 == 1 else { return escape(text) }
        return parts.enumerated().map { index, part in index % 2 == 1 ? "<code>\(part)</code>" : String(part) }.joined()
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    static let stylesheet = """
    body{font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2330;margin:0;background:#fafbfc}
    header{background:#1d2330;color:#fff;padding:1.2em 2em}header h1{margin:0;font-size:1.6em}
    .subtitle{margin:.3em 0 0;color:#c8cdd8}nav{padding:.5em 2em;background:#eef1f5;font-size:.9em}
    nav ol{margin:0;padding-left:1.2em;columns:2}main{padding:1em 2em;max-width:1100px}
    section{margin-bottom:2.5em}h2{border-bottom:2px solid #dde2ea;padding-bottom:.2em}
    table{border-collapse:collapse;margin:.8em 0;font-size:.88em}caption{text-align:left;font-style:italic;padding:.3em 0}
    th,td{border:1px solid #dde2ea;padding:.25em .6em}th{background:#eef1f5}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    .verdict{background:#e8f4ea;border-left:4px solid #3a8a4c;padding:.5em .8em}
    pre{background:#f0f2f5;padding:.6em;overflow-x:auto;font-size:.85em}code{background:#eef1f5;padding:0 .2em;font-size:.92em}
    svg{display:block;margin:.8em 0;max-width:100%;height:auto}svg text{font:12px sans-serif;fill:#1d2330}
    """
}
