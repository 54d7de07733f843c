/// Renders a `ReportDocument` as GitHub-flavoured Markdown; charts become their data tables.
public enum MarkdownRenderer {
    public static func render(_ document: ReportDocument) -> String {
        var lines = ["# \(document.title)", "", document.subtitle, ""]
        for section in document.sections {
            lines.append("## \(section.title)")
            lines.append("")
            for block in section.blocks {
                lines.append(contentsOf: render(block))
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func render(_ block: ReportBlock) -> [String] {
        switch block {
        case .paragraph(let text):
            return [text]
        case .verdict(let text):
            return ["**Verdict:** \(text)"]
        case .table(let table):
            return render(table)
        case .barChart(let chart):
            let table = ReportTable(
                caption: "\(chart.title) (\(chart.unit))",
                headers: [""] + chart.series.map(\.name),
                rows: chart.categories.indices.map { index in
                    [chart.categories[index]] + chart.series.map { $0.values[index].map(ReportFormat.number) ?? "–" }
                },
                numericColumns: Set(1...max(1, chart.series.count)))
            return render(table)
        case .lineChart(let chart):
            let xs = Array(Set(chart.series.flatMap { $0.points.map(\.x) })).sorted()
            let table = ReportTable(
                caption: chart.title,
                headers: [chart.xLabel] + chart.series.map(\.name),
                rows: xs.map { x in
                    [ReportFormat.number(x)] + chart.series.map { series in
                        series.points.first { $0.x == x }.map { ReportFormat.number($0.y) } ?? "–"
                    }
                },
                numericColumns: Set(0...chart.series.count))
            return render(table)
        case .code(let text):
            return ["```", text, "```"]
        }
    }

    /// A pipe table with the caption as an emphasised line above it.
    public static func render(_ table: ReportTable) -> [String] {
        var lines: [String] = []
        if !table.caption.isEmpty { lines.append("*\(escape(table.caption))*"); lines.append("") }
        lines.append("| " + table.headers.map(escape).joined(separator: " | ") + " |")
        lines.append("|" + table.headers.indices.map { table.numericColumns.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|")
        for row in table.rows {
            lines.append("| " + row.map(escape).joined(separator: " | ") + " |")
        }
        return lines
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
