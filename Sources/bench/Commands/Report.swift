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
        let folder = try ResultsStore(root: URL(fileURLWithPath: results)).resolveRun(runReference)
        let loaded = try RunResults.load(from: folder.appending(path: RunFiles.resultsJSON))
        for (name, contents) in try RunFiles.render(loaded) where name != RunFiles.resultsJSON {
            // Written beside and renamed over, so a reader never sees half a report.
            let destination = folder.appending(path: name)
            let temporary = folder.appending(path: ".\(name).\(ProcessInfo.processInfo.processIdentifier)")
            try contents.write(to: temporary)
            guard rename(temporary.path, destination.path) == 0 else {
                throw ValidationError("cannot replace \(destination.path): \(String(cString: strerror(errno)))")
            }
        }
        print("rendered \(folder.path)/\(RunFiles.markdown), \(RunFiles.html), \(RunFiles.csv)")
    }
}
