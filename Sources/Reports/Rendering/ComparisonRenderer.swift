import Harness

/// Renders a `ResultsComparison` as Markdown for a CI log or a pull-request comment.
public enum ComparisonRenderer {
    public static func markdown(_ comparison: ResultsComparison, showUnchanged: Bool = false) -> String {
        let counts = Dictionary(grouping: comparison.changes, by: \.verdict).mapValues(\.count)
        func count(_ verdict: MetricChange.Verdict) -> Int { counts[verdict] ?? 0 }
        var lines = [
            "## bench compare: \(comparison.currentRun) against \(comparison.baselineRun)",
            "",
            "\(count(.regressed) + count(.removed)) regressed, \(count(.improved)) improved, \(count(.unchanged)) unchanged, "
                + "\(count(.added)) new, \(count(.skipped)) not judged.",
            "",
        ]
        for note in comparison.notes { lines += ["**Note:** \(note)", ""] }
        let moved = comparison.changes.filter { change in
            switch change.verdict {
            case .regressed, .removed, .improved, .added: return true
            case .unchanged: return showUnchanged
            case .skipped: return change.note != nil
            }
        }
        guard !moved.isEmpty else {
            lines.append("Nothing moved.")
            return lines.joined(separator: "\n") + "\n"
        }
        let order: [MetricChange.Verdict: Int] = [.regressed: 0, .removed: 1, .improved: 2, .added: 3, .skipped: 4, .unchanged: 5]
        let rows = moved.sorted { (order[$0.verdict] ?? 9, $0.key) < (order[$1.verdict] ?? 9, $1.key) }.map { change in
            [label(change.verdict), change.key, change.baseline.map(ReportFormat.number) ?? "–",
             change.current.map(ReportFormat.number) ?? "–",
             change.relativeChange.map(ReportFormat.percent) ?? "–", change.note ?? ""]
        }
        lines += MarkdownRenderer.render(ReportTable(caption: "", headers: ["", "metric", "baseline", "this run", "change", "note"],
                                                     rows: rows, numericColumns: [2, 3, 4]))
        return lines.joined(separator: "\n") + "\n"
    }

    static func label(_ verdict: MetricChange.Verdict) -> String {
        switch verdict {
        case .regressed: return "regressed"
        case .removed: return "missing"
        case .improved: return "improved"
        case .added: return "new"
        case .skipped: return "not judged"
        case .unchanged: return "unchanged"
        }
    }
}
