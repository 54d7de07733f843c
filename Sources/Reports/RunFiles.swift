import Foundation
import Harness

/// The files of a run folder, rendered from its results.
public enum RunFiles {
    public static let resultsJSON = "results.json"
    public static let markdown = "report.md"
    public static let html = "report.html"
    public static let csv = "results.csv"

    /// `results.json`, `report.md`, `report.html` and `results.csv` for `results`.
    public static func render(_ results: RunResults) throws -> [String: Data] {
        let document = DesignReport.build(results)
        return [
            resultsJSON: try results.encodedJSON(),
            markdown: Data(MarkdownRenderer.render(document).utf8),
            html: Data(HTMLRenderer.render(document).utf8),
            csv: Data(CSVRenderer.render(results).utf8),
        ]
    }
}
