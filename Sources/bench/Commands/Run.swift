import ArgumentParser
import Foundation
import GuestKernel
import Harness
import Reports

/// `bench run` (the default command): measure a suite and write a run folder.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a suite of scenarios and write results.json, report.md, report.html and results.csv.",
        discussion: """
        Results go to <out>/runs/<timestamp>-<commit>/, and <out>/latest points at the newest run. \
        A run is published in one step at the end, so an interrupted run leaves earlier runs untouched. \
        Exit status: 0 when every scenario was measured, 1 when any failed (they are listed in the report); \
        a fetch cost this host cannot measure (libdw unavailable) is listed as unavailable, not failed.
        """)

    @Option(help: "The suite: a name under Benchmarks/Suites (default, quick, full) or a path to a suite file.")
    var suite: String = "default"

    @Option(help: "Run on this CPU profile instead of the suite's (repeatable).")
    var cpu: [String] = []

    @Option(help: "Only scenarios whose id (mechanism/handler/workload@cpu) contains this text (repeatable; any match).")
    var filter: [String] = []

    @Option(help: "Parallel workers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The results folder.")
    var out: String = "Results"

    @Option(help: "The folder holding suite files.")
    var suites: String = Suite.defaultFolder

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Skip the host-throughput samples and leave the suite's own run speeds out of results.json (guest results are unaffected).")
    var noHostThroughput = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be 1 or more, not \(jobs)") }
    }

    func run() throws {
        let started = Date()
        let clock = ContinuousClock.now
        var definition: Suite
        do {
            definition = try Suite.load(named: suite, folder: URL(fileURLWithPath: suites),
                                        knownCPUs: HarnessProfiles.names, defaultCPU: HarnessProfiles.defaultName)
        } catch {
            printError("bench run: \(error)")
            throw ExitCode.failure
        }
        if !cpu.isEmpty {
            for name in cpu where !HarnessProfiles.names.contains(name) {
                printError("bench run: unknown CPU profile '\(name)' (known: \(HarnessProfiles.names.joined(separator: ", ")))")
                throw ExitCode.failure
            }
            definition = definition.onCPUs(cpu)
        }
        if !filter.isEmpty {
            definition = definition.filtered(by: filter)
            guard !definition.scenarios.isEmpty || !definition.sweeps.isEmpty || !definition.curves.isEmpty
                    || !definition.fetchCosts.isEmpty else {
                printError("bench run: no scenario of suite \(definition.name) matches \(filter.joined(separator: ", "))")
                throw ExitCode.failure
            }
        }

        let store = ResultsStore(root: URL(fileURLWithPath: out))
        do {
            try store.prepareForWriting()
        } catch {
            printError("bench run: \(error)")
            throw ExitCode.failure
        }

        let environment: MeasurementEnvironment
        do {
            environment = try MeasurementEnvironment()
        } catch {
            printError("bench run: \(error)")
            throw ExitCode.failure
        }
        let display = ProgressDisplay(enabled: !quiet)
        display.note("suite \(definition.name) on \(definition.cpus.joined(separator: ", ")) with \(jobs) workers: "
                     + definition.reportedCounts)
        let runner = SuiteRunner(environment: environment, jobs: jobs) { display.update($0) }
        let output = runner.run(definition)
        display.finish()

        var throughput: [String: [Double]] = [:]
        if !noHostThroughput {
            display.note("host throughput samples")
            do {
                throughput = try HostThroughput(environment: environment).measure(profiles: definition.cpus)
            } catch {
                // The guest results stand without it; say why the host figures are missing.
                printError("bench run: host throughput not measured: \(error)")
            }
        }
        let elapsed = ContinuousClock.now - clock
        let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let commit = RunContext.commit(in: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var results = RunResults(
            run: RunInfo(identifier: "", startedAt: RunContext.iso8601(started), commit: commit, suite: definition.name,
                         cpuProfiles: definition.cpus, jobs: jobs, wallSeconds: wallSeconds),
            environment: RunContext.environment(guestDigest: environment.imageDigest(), libdwProblem: environment.libdwProblem),
            scenarios: output.scenarios, scaling: output.scaling,
            host: HostPerformance(instructionsPerSecond: throughput, peakResidentBytes: RunContext.peakResidentBytes,
                                  suiteRuns: noHostThroughput ? nil : output.runs),
            failures: output.failures, fetchCosts: output.fetchCosts, unavailableFetchCosts: output.unavailableFetchCosts)
        let folder: URL
        do {
            folder = try store.publishRun(named: "\(RunContext.timestamp(started))-\(commit)") { identifier in
                results.run.identifier = identifier
                return try RunFiles.render(results)
            }
        } catch {
            printError("bench run: \(error)")
            throw ExitCode.failure
        }

        let unavailable = results.unavailableFetchCosts
        let fetchCosts = counted(results.fetchCosts.count, "fetch cost") + (unavailable.isEmpty ? "" : " (\(unavailable.count) more unavailable)")
        print("\(counted(results.scenarios.count, "scenario")), \(counted(results.scaling.count, "curve")), \(fetchCosts) in "
              + "\(String(format: "%.1f", wallSeconds)) s (peak memory \(RunContext.peakResidentBytes / 1_048_576) MB, "
              + "\(results.host.peakResidentBytes / 1_048_576) MB before writing the files)")
        if !unavailable.isEmpty {
            // Not measurable on this host, as libdw's walks are not: reported, and not a failure of the run.
            print("\(unavailable.count) fetch cost(s) unavailable, not measured:")
            for cost in unavailable { print("  '\(cost.definition)'@\(cost.cpu): \(cost.reason)") }
        }
        let runSpeeds = output.runs.sorted(by: { $0.key < $1.key }).map { mode, runs in
            "\(mode) \(String(format: "%.1f", Double(runs.instructions) / 1e6))M at "
                + "\(String(format: "%.0f", runs.instructionsPerSecond / 1e6))M/s"
        }
        if !runSpeeds.isEmpty {
            // Host speeds mean little without the processor they were measured on.
            let processor = results.environment.hostProcessor.map { " on \($0)" } ?? ""
            print("guest instructions run\(processor): " + runSpeeds.joined(separator: ", "))
        }
        print("results: \(folder.path)/\(RunFiles.resultsJSON)")
        print("report:  \(folder.path)/\(RunFiles.html)")
        if !results.failures.isEmpty {
            printError("\(results.failures.count) task(s) failed:")
            for failure in results.failures { printError("  \(failure.id): \(failure.reason)") }
            throw ExitCode.failure
        }
    }
}

/// A progress bar on a terminal, one line per finished task otherwise.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private let start = Date()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func note(_ text: String) {
        guard enabled else { return }
        printError(text)
    }

    func update(_ progress: RunProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if let failure = progress.failure {
            if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            printError("failed: \(progress.finished): \(failure)")
        }
        if isTerminal {
            let width = 30
            let filled = progress.total == 0 ? width : width * progress.completed / progress.total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let label = progress.finished.count > 48 ? String(progress.finished.prefix(47)) + "…" : progress.finished
            let left = progress.remaining(after: Date().timeIntervalSince(start)).map { " (\($0))" } ?? ""
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(progress.completed)/\(progress.total)\(left) \(label)".utf8))
        } else if progress.failure == nil {
            let left = progress.remaining(after: Date().timeIntervalSince(start)).map { ", \($0)" } ?? ""
            printError("[\(progress.completed)/\(progress.total)\(left)] \(progress.finished)")
        }
    }

    func finish() {
        guard enabled && isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
