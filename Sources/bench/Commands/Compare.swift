import ArgumentParser
import Foundation
import Harness
import Reports

/// `bench compare`: a run against a baseline, with CI-friendly exit codes.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a run with a baseline and print what moved as a Markdown table.",
        discussion: """
        Exit status: 0 no change, 2 regression, 4 improvements only, 5 baseline missing or unreadable, \
        64 bad options, 1 any other failure (e.g. the run cannot be read).
        Guest metrics are deterministic: any change beyond the tolerance counts. Host throughput is \
        judged only when the sample sets separate by more than --host-tolerance, and only on the same host.
        """)

    @Option(help: "The baseline results file.")
    var baseline: String = "Results/baseline.json"

    @Argument(help: "The run to compare: a run folder, its results.json, or an identifier under Results/runs (default: Results/latest).")
    var runReference: String?

    @Option(help: "Relative tolerance for guest metrics.")
    var tolerance: Double = ComparisonPolicy().relativeTolerance

    @Option(help: "Absolute tolerance for guest metrics (cycles, bytes, counts).")
    var absoluteTolerance: Double = ComparisonPolicy().absoluteTolerance

    @Option(help: "Relative margin by which host throughput samples must separate to count.")
    var hostTolerance: Double = ComparisonPolicy().hostTolerance

    @Flag(help: "Do not judge host throughput.")
    var noHost = false

    @Flag(help: "List unchanged metrics too.")
    var all = false

    @Option(help: "The results folder (holding runs/ and latest).")
    var results: String = "Results"

    /// The documented exit codes.
    enum Status {
        static let regression: Int32 = 2
        static let improvementsOnly: Int32 = 4
        static let baselineUnusable: Int32 = 5
        static let failure: Int32 = 1
    }

    func validate() throws {
        for (name, value) in [("--tolerance", tolerance), ("--absolute-tolerance", absoluteTolerance),
                              ("--host-tolerance", hostTolerance)] where !(value.isFinite && value >= 0) {
            throw ValidationError("\(name) must be a finite number ≥ 0, not \(value)")
        }
    }

    func run() throws {
        let baselineResults: RunResults
        do {
            baselineResults = try RunResults.load(from: URL(fileURLWithPath: baseline))
        } catch {
            printError("bench compare: baseline unusable: \(error)")
            throw ExitCode(Status.baselineUnusable)
        }
        let current: RunResults
        do {
            let folder = try ResultsStore(root: URL(fileURLWithPath: results)).resolveRun(runReference)
            current = try RunResults.load(from: folder.appending(path: "results.json"))
        } catch {
            printError("bench compare: \(error)")
            throw ExitCode(Status.failure)
        }
        let policy = ComparisonPolicy(relativeTolerance: tolerance, absoluteTolerance: absoluteTolerance,
                                      hostTolerance: hostTolerance, includeHost: !noHost)
        let comparison = ResultsComparison(baseline: baselineResults, current: current, policy: policy)
        print(ComparisonRenderer.markdown(comparison, showUnchanged: all), terminator: "")
        let status = comparison.exitStatus
        if status != 0 { throw ExitCode(status) }
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
