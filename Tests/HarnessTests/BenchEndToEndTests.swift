import Foundation
import Testing
import TestSupport
@testable import Harness

/// `bench` as users run it: the built executable, a real suite, real files.
///
/// One `bench run --suite quick` is shared by the tests that only read its output; the tests that
/// interrupt or compare make their own folders.
@Suite(.serialized) struct BenchEndToEndTests {
    static let packageRoot = PackageRoot.url

    /// The `bench` executable SwiftPM built beside the test bundle.
    static func benchExecutable() throws -> URL {
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appending(path: "bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fallback = packageRoot.appending(path: ".build/debug/bench")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw SubprocessError(description: "the bench executable was not built (run `swift build`)")
        }
        return fallback
    }

    static func bench(_ arguments: [String], timeout: TimeInterval = 300, environment: [String: String] = [:]) throws -> SubprocessResult {
        try Subprocess.run(try benchExecutable(), arguments, timeout: timeout, environment: environment)
    }

    /// The shared quick run: its results folder.
    static let quickRun: Result<URL, Error> = Result {
        let out = try ScratchDirectory.removedAtExit(purpose: "quick")
        let result = try bench(["run", "--suite", "quick", "--suites", packageRoot.appending(path: "Benchmarks/Suites").path,
                                "--out", out.path, "--quiet", "--no-host-throughput"])
        guard result.succeeded else { throw SubprocessError(description: "bench run failed: \(result.summary)\n\(result.standardError)") }
        return out.appending(path: "latest").resolvingSymlinksInPath()
    }

    @Test func aQuickRunWritesAllFourFilesAndItsJSONMatchesTheSchema() throws {
        let run = try Self.quickRun.get()
        for name in ["results.json", "report.md", "report.html", "results.csv"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: run.appending(path: name).path)[.size] as? Int) ?? 0
            #expect(size > 0, "\(name) missing or empty")
        }
        let validator = try JSONSchemaValidator(schema: Data(contentsOf: Self.packageRoot.appending(path: "Results/schema/results-v1.schema.json")))
        let violations = try validator.violations(of: Data(contentsOf: run.appending(path: "results.json")))
        #expect(violations.isEmpty, "results.json violates its schema: \(violations.prefix(5))")
        let results = try RunResults.load(from: run.appending(path: "results.json"))
        #expect(results.scenarios.count >= 5)
        #expect(results.failures.isEmpty, "\(results.failures)")
        #expect(results.host.suiteRuns == nil, "--no-host-throughput leaves the suite's run speeds out")
        let csv = try String(contentsOf: run.appending(path: "results.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("kind,id,mechanism,handler,workload,cpu,metric,value\n"))
    }

    @Test func aRunRecordsHowFastItsOwnRunsWentPerTimingMode() throws {
        try ScratchDirectory.using(purpose: "suite-runs") { out in
            let result = try Self.bench(["run", "--suite", "quick", "--suites", Self.packageRoot.appending(path: "Benchmarks/Suites").path,
                                         "--out", out.path, "--quiet", "--jobs", "1"])
            #expect(result.succeeded, "\(result.summary)\n\(result.standardError)")
            let results = try RunResults.load(from: out.appending(path: "latest/results.json"))
            // Its profiles' runs and fast-forward's (every scenario's kernel boots in it).
            let runs = results.host.suiteRuns ?? [:]
            #expect(Set(runs.keys) == Set(results.run.cpuProfiles + ["functional"]), "suite runs: \(runs)")
            let summary = String(decoding: result.standardOutput, as: UTF8.self)
            for (mode, figure) in runs {
                #expect(figure.instructions > 10_000 && figure.seconds > 0, "\(mode): \(figure)")
                #expect(summary.contains("\(mode) \(String(format: "%.1f", Double(figure.instructions) / 1e6))M at "),
                        "the summary names \(mode)'s runs: \(summary)")
            }
            // One figure per run is too noisy for `bench compare` to judge (a quick run's moved by 16%
            // from one run to the next): it is recorded, not compared.
            #expect(!results.namedMetrics.contains { $0.key.contains("suite's runs") })
        }
    }

    @Test func theHTMLReportIsOneSelfContainedDocumentWithCharts() throws {
        let html = try String(contentsOf: try Self.quickRun.get().appending(path: "report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 2, "expected inline SVG charts")
        #expect(html.components(separatedBy: "<section").count == html.components(separatedBy: "</section>").count)
        #expect(html.components(separatedBy: "<table").count == html.components(separatedBy: "</table>").count)
        // Readable offline: nothing loaded from elsewhere.
        for external in ["src=\"http", "href=\"http", "<script", "<link "] {
            #expect(!html.contains(external), "the report loads \(external)")
        }
        #expect(html.contains("class=\"verdict\""))
    }

    @Test func theBrokenTrampolineIsReportedAsMissingAFrame() throws {
        let results = try RunResults.load(from: try Self.quickRun.get().appending(path: "results.json"))
        let broken = try #require(results.scenarios.first { $0.mechanism == "ftrace-args-nofp" && $0.handler == "walk" })
        let entryWalks = try #require(broken.walks.first { $0.point == .entryHandler && $0.walker == .guest })
        #expect(entryWalks.total > 0 && entryWalks.missingFrame == entryWalks.total, "\(entryWalks)")
        let reliable = try #require(broken.walks.first { $0.point == .entryHandler && $0.walker == .guestReliable })
        #expect(reliable.wrongButClaimedReliable > 0, "the broken trampoline fools the reliable walker: \(reliable)")
        // The same walks through the correct trampoline are right.
        let sound = try #require(results.scenarios.first { $0.mechanism == "fgraph" && $0.handler == "walk" })
        #expect(sound.walks.filter { $0.walker == .guest && $0.point == .entryHandler }.allSatisfy { $0.correct == $0.total })
    }

    /// A copy of the quick run's results with every cycle figure scaled, written in `folder`.
    func scaledBaseline(_ factor: Double, in folder: URL) throws -> URL {
        var results = try RunResults.load(from: try Self.quickRun.get().appending(path: "results.json"))
        for index in results.scenarios.indices {
            var metrics = results.scenarios[index].metrics
            for keyPath in [\ScenarioMetrics.entry, \ScenarioMetrics.exit] {
                metrics[keyPath: keyPath].steady.measured.cycles *= factor
                metrics[keyPath: keyPath].steady.baseline.cycles *= factor
                metrics[keyPath: keyPath].firstHit.measured.cycles *= factor
                metrics[keyPath: keyPath].firstHit.baseline.cycles *= factor
            }
            metrics.attachCycles *= factor
            // The cycles by symbol add up to the steady window's, as in every run (loading checks it).
            for keyPath in [\ScenarioMetrics.entryBySymbol, \ScenarioMetrics.exitBySymbol] {
                for symbol in (metrics[keyPath: keyPath] ?? []).indices { metrics[keyPath: keyPath]?[symbol].counters.cycles *= factor }
            }
            results.scenarios[index].metrics = metrics
        }
        let url = folder.appending(path: "baseline-\(factor).json")
        try results.encodedJSON().write(to: url)
        return url
    }

    @Test func compareExitCodesFollowTheDocumentedContract() throws {
        try ScratchDirectory.using(purpose: "compare") { folder in
            let run = try Self.quickRun.get()
            let same = try Self.bench(["compare", "--baseline", run.appending(path: "results.json").path, run.path])
            #expect(same.status == 0, "identical: \(same.summary)")

            let better = try Self.bench(["compare", "--baseline", try scaledBaseline(0.5, in: folder).path, run.path])
            #expect(better.status == 2, "a baseline better than the run is a regression: \(better.summary)")
            #expect(String(decoding: better.standardOutput, as: UTF8.self).contains("| regressed |"))

            let worse = try Self.bench(["compare", "--baseline", try scaledBaseline(2, in: folder).path, run.path])
            #expect(worse.status == 4, "a baseline worse than the run means improvements only: \(worse.summary)")

            let missing = try Self.bench(["compare", "--baseline", "/nonexistent/baseline.json", run.path])
            #expect(missing.status == 5)
            #expect(missing.standardError.contains("/nonexistent/baseline.json does not exist"))

            let corrupt = folder.appending(path: "corrupt.json")
            try Data("{\"schemaVersion\": 1, \"scenarios\": [".utf8).write(to: corrupt)
            let unreadable = try Self.bench(["compare", "--baseline", corrupt.path, run.path])
            #expect(unreadable.status == 5)
            #expect(unreadable.standardError.contains("cannot be read as results JSON: not valid JSON: it ends at line 1"), "\(unreadable.standardError)")

            // A tolerance that would hide or invent changes is a usage error, not a verdict.
            for option in ["--absolute-tolerance=nan", "--tolerance=-1", "--host-tolerance=-2"] {
                let bad = try Self.bench(["compare", option, "--baseline", run.appending(path: "results.json").path, run.path])
                #expect(bad.status == 64, "\(option): \(bad.summary)")
                #expect(bad.standardError.contains("must be a finite number ≥ 0"), "\(option): \(bad.standardError)")
            }
        }
    }

    @Test func anInterruptedRunLeavesThePreviousRunIntact() throws {
        try ScratchDirectory.using(purpose: "interrupt") { out in
            let suites = Self.packageRoot.appending(path: "Benchmarks/Suites").path
            let first = try Self.bench(["run", "--suite", "quick", "--suites", suites, "--out", out.path, "--quiet", "--no-host-throughput"])
            #expect(first.succeeded, "\(first.summary)")
            let previous = out.appending(path: "latest").resolvingSymlinksInPath()
            let previousJSON = try Data(contentsOf: previous.appending(path: "results.json"))

            // The run to interrupt must still be running when the signal comes, however fast the
            // emulator is: the default suite with the most measured calls a suite may ask for takes
            // minutes (the default suite itself finishes in about a second).
            let longSuites = out.appending(path: "suites")
            try FileManager.default.createDirectory(at: longSuites, withIntermediateDirectories: true)
            var long = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: suites).appending(path: "default.json"))) as! [String: Any]
            long["name"] = "long"
            long["calls"] = ["warmup": 8, "measured": 10_000]
            try JSONSerialization.data(withJSONObject: long).write(to: longSuites.appending(path: "long.json"))

            let process = Process()
            process.executableURL = try Self.benchExecutable()
            process.arguments = ["run", "--suite", "long", "--suites", longSuites.path, "--out", out.path, "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 3)
            process.interrupt()
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal || process.terminationStatus != 0)

            #expect(out.appending(path: "latest").resolvingSymlinksInPath() == previous, "latest moved")
            #expect(try Data(contentsOf: previous.appending(path: "results.json")) == previousJSON, "the previous run changed")
            let runs = try FileManager.default.contentsOfDirectory(atPath: out.appending(path: "runs").path).filter { !$0.hasPrefix(".") }
            #expect(runs == [previous.lastPathComponent], "an interrupted run left a run folder: \(runs)")
        }
    }

    @Test func guestNumbersAreIdenticalWhateverTheNumberOfWorkers() throws {
        try ScratchDirectory.using(purpose: "jobs") { out in
            let shared = try RunResults.load(from: try Self.quickRun.get().appending(path: "results.json"))
            let single = try Self.bench(["run", "--suite", "quick", "--suites", Self.packageRoot.appending(path: "Benchmarks/Suites").path,
                                         "--out", out.path, "--quiet", "--no-host-throughput", "--jobs", "1"])
            #expect(single.succeeded, "\(single.summary)")
            let serial = try RunResults.load(from: out.appending(path: "latest/results.json"))
            #expect(shared.run.jobs != serial.run.jobs || ProcessInfo.processInfo.activeProcessorCount == 1)
            let deterministic = { (results: RunResults) in results.namedMetrics.filter { $0.kind != .statistical } }
            #expect(deterministic(shared) == deterministic(serial), "guest numbers depend on --jobs")
        }
    }

    @Test func tracingEffectsShowUpWhereTheyMust() throws {
        let results = try RunResults.load(from: try Self.quickRun.get().appending(path: "results.json"))
        let fgraph = try #require(results.scenarios.first { $0.mechanism == "fgraph" && $0.handler == "count" })
        #expect(fgraph.metrics.exit.steady.measured.returnMispredicts >= 1,
                "a hijacked return must cost a return mispredict: \(fgraph.metrics.exit.steady.measured)")
        let kprobe = try #require(results.scenarios.first { $0.mechanism == "kprobe-xol" && $0.handler == "count" })
        #expect(kprobe.metrics.entry.steady.measured.exceptions == 2, "XOL takes two BRK exceptions per hit")
        #expect(kprobe.metrics.entry.steady.overhead.cycles > fgraph.metrics.entry.steady.overhead.cycles)
        for scenario in results.scenarios where scenario.mechanism != "none" {
            #expect(scenario.metrics.entry.firstHit.measured.cycles > scenario.metrics.entry.steady.measured.cycles,
                    "\(scenario.id): the first call after attach costs more than the steady state")
            #expect(scenario.metrics.attachCycles > 0 && scenario.metrics.detachCycles > 0, "\(scenario.id)")
        }
    }

    @Test func aBadSuiteIsRejectedWithItsFileAndField() throws {
        try ScratchDirectory.using(purpose: "suites") { folder in
            try Data("""
            {"name": "bad", "description": "", "cpus": [], "calls": {"warmup": 1, "measured": 2},
             "scenarios": [{"mechanisms": ["ftrace-argz"], "handlers": ["count"], "workloads": ["leaf"]}],
             "interruptSweeps": [], "scaling": []}
            """.utf8).write(to: folder.appending(path: "bad.json"))
            let result = try Self.bench(["run", "--suite", "bad", "--suites", folder.path, "--out", folder.path, "--quiet"])
            #expect(result.status != 0)
            #expect(result.standardError.contains("bad.json: scenarios[0].mechanisms names unknown 'ftrace-argz'"), "\(result.standardError)")
        }
    }

    @Test func badCommandLineValuesAreUsageErrorsNotCrashes() throws {
        for (arguments, message) in [(["trace", ""], "is not mechanism[+alongside]/handler/workload[@cpu]"),
                                     (["trace", "@"], "is not mechanism[+alongside]/handler/workload[@cpu]"),
                                     (["trace", "fgraph/count/leaf@"], "unknown CPU profile ''"),
                                     (["trace", "fprobe+fgraph/count/leaf"], "fprobe hooks the function the same way"),
                                     (["trace", "kretprobe-brk+/count/leaf"], "unknown mechanism ''"),
                                     (["trace", "fgraph/count/leaf", "--warmup=-5"], "--warmup must be between 0 and 10000"),
                                     (["list", "--cpu", "cortex-a72"], "--cpu selects a profile for --cpus"),
                                     (["run", "--jobs", "0"], "--jobs must be 1 or more"),
                                     (["probe", "p pb_wl_typed x", "-n", "100001"], "-n must be between 0 and 100000")] {
            let result = try Self.bench(arguments)
            #expect(result.status == 64, "\(arguments): \(result.summary)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    @Test func anOutFolderThatCannotBeWrittenFailsBeforeTheSuiteRuns() throws {
        try ScratchDirectory.using(purpose: "out") { folder in
            let file = folder.appending(path: "results-file")
            try Data("x".utf8).write(to: file)
            let result = try Self.bench(["run", "--suite", "quick", "--out", file.path], timeout: 60)
            #expect(result.status == 1)
            #expect(result.standardError.contains("cannot write \(file.path): it is a file, not a folder"), "\(result.standardError)")
            #expect(!result.standardError.contains("scenarios"), "nothing ran: \(result.standardError)")
        }
    }
}
