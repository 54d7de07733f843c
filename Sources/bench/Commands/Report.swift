import ArgumentParser
import Foundation
import Harness
import Reports

/// `bench report RUN`: renders a run's reports again from its results.json.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-render report.md, report.html and results.csv of a run from its results.json.")

    @Argument(help: "A run folder, its results.json, or an identifier under Results/runs (default: Results/latest).")
    var runReference: String?

    @Option(help: "The results folder.")
    var results: String = "Results"

    func run() throws {
        do {
            let folder = try ResultsStore(root: URL(fileURLWithPath: results)).resolveRun(runReference)
            let loaded = try RunResults.load(from: folder.appending(path: RunFiles.resultsJSON))
            for (name, contents) in try RunFiles.render(loaded) where name != RunFiles.resultsJSON {
                try Self.replace(folder.appending(path: name), with: contents)
            }
            print("rendered \(folder.path)/\(RunFiles.markdown), \(RunFiles.html), \(RunFiles.csv)")
        } catch {
            printError("bench report: \(error)")
            throw ExitCode.failure
        }
    }

    /// Writes `contents` beside `destination` and renames it over, so a reader never sees half a report.
    static func replace(_ destination: URL, with contents: Data) throws {
        let temporary = destination.deletingLastPathComponent()
            .appending(path: ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try contents.write(to: temporary)
        } catch {
            throw ResultsError.cannotWrite(destination.path, JSONProblem.fileProblem(at: temporary, error))
        }
        guard rename(temporary.path, destination.path) == 0 else {
            throw ResultsError.cannotWrite(destination.path, String(cString: strerror(errno)))
        }
    }
}
