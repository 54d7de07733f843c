import DebugInfo
import Foundation
import Testing
import TestSupport
@testable import Harness

/// Fetch costs on a host without libdw, simulated as `LibDWLoadingTests` suggests: `PROBEBENCH_LIBDW`
/// names a library that does not exist (libdw is loaded once per process, so `bench` runs in a child).
///
/// A fetch cost whose definition needs the guest's DWARF types is unavailable there, as libdw's walks
/// are: recorded with the reason, never a figure, never a failure of the run; `bench compare` does
/// not judge its metrics. The default suite's fetch costs used to fail the whole run (exit 1).
@Suite(.serialized) struct FetchCostWithoutLibDWTests {
    static let suites = BenchEndToEndTests.packageRoot.appending(path: "Benchmarks/Suites")
    static let missingLibrary = "libdw-does-not-exist.so.42"
    static let withoutLibDW = [LibDW.libraryOverrideVariable: missingLibrary]

    @Test func theQuickSuiteWithoutLibDWRecordsItsFetchCostsAsUnavailableAndSucceeds() throws {
        let suite = try Suite.load(named: "quick", folder: Self.suites, knownCPUs: HarnessProfiles.names,
                                   defaultCPU: HarnessProfiles.defaultName)
        #expect(suite.fetchCosts.count == 2, "the quick suite measures the typed fetch costs")
        try ScratchDirectory.using(purpose: "no-libdw") { out in
            let run = try BenchEndToEndTests.bench(["run", "--suite", "quick", "--suites", Self.suites.path, "--out", out.path,
                                                    "--quiet", "--no-host-throughput"], environment: Self.withoutLibDW)
            #expect(run.status == 0, "\(run.summary)\n\(run.standardError)")
            let folder = out.appending(path: "latest").resolvingSymlinksInPath()
            let json = try Data(contentsOf: folder.appending(path: "results.json"))
            let validator = try JSONSchemaValidator(schema: Data(contentsOf: BenchEndToEndTests.packageRoot.appending(
                path: "Results/schema/results-v1.schema.json")))
            #expect(try validator.violations(of: json).isEmpty)
            let results = try RunResults.load(from: folder.appending(path: "results.json"))
            #expect(results.environment.libdw.hasPrefix("unavailable: "), "\(results.environment.libdw)")
            #expect(results.failures.isEmpty, "\(results.failures)")
            #expect(results.fetchCosts.isEmpty)
            #expect(results.unavailableFetchCosts.map(\.definition) == suite.fetchCosts.map(\.definition))
            #expect(results.unavailableFetchCosts.map(\.cpu) == suite.fetchCosts.map(\.cpu))
            for cost in results.unavailableFetchCosts {
                #expect(cost.reason.contains("needs the guest's DWARF") && cost.reason.contains("libdw is unavailable")
                        && cost.reason.contains(Self.missingLibrary), "\(cost.reason)")
            }

            let summary = String(decoding: run.standardOutput, as: UTF8.self)
            #expect(summary.contains("0 fetch costs (2 more unavailable)"), "\(summary)")
            #expect(summary.contains("2 fetch cost(s) unavailable, not measured:"), "\(summary)")
            for cost in results.unavailableFetchCosts {
                #expect(summary.contains("'\(cost.definition)'@\(cost.cpu): \(cost.reason)"), "\(summary)")
            }

            let report = try String(contentsOf: folder.appending(path: "report.md"), encoding: .utf8)
            let section = try #require(report.components(separatedBy: "\n## ").first {
                $0.hasPrefix("What does fetching a typed argument cost")
            })
            #expect(section.contains("Fetch costs unavailable on this host (not measured)"), "\(section)")
            #expect(section.contains("**Verdict:** Not answered by this run: 2 of its 2 fetch costs are unavailable on this host"),
                    "\(section)")
            #expect(!report.contains("task(s) could not be measured"), "nothing failed")
            // The CSV says which figures are missing, without a value.
            let csv = CSVRendererTests.parse(try String(contentsOf: folder.appending(path: "results.csv"), encoding: .utf8))
            let unavailableRows = csv.filter { $0[0] == "fetch_unavailable" }
            #expect(unavailableRows.count == 5 * results.unavailableFetchCosts.count)
            #expect(Set(unavailableRows.map(\.[1])) == Set(results.unavailableFetchCosts.map(\.definition)))
            #expect(unavailableRows.allSatisfy { $0[7].isEmpty } && !csv.contains { $0[0] == "fetch" })

            // Against a run that measured them: their metrics are not judged, not lost. (The shared
            // quick run measured none if this whole test process runs without libdw.)
            let measured = try BenchEndToEndTests.quickRun.get().appending(path: "results.json")
            let baseline = try RunResults.load(from: measured)
            let fetchKeys = baseline.namedMetrics.map(\.key).filter { $0.hasPrefix("fetch ") }
            #expect(fetchKeys.count == 3 * baseline.fetchCosts.count)
            let compare = try BenchEndToEndTests.bench(["compare", "--no-host", "--baseline", measured.path, folder.path])
            let table = String(decoding: compare.standardOutput, as: UTF8.self)
            #expect(compare.status == 0, "\(compare.summary)\n\(table)")
            for key in fetchKeys {
                #expect(table.contains("| not judged | \(key) |"), "\(key)")
            }
            #expect(fetchKeys.isEmpty || table.contains("fetch cost unavailable in this run: "))
        }
    }

    @Test func withoutLibDWAFetchCostThatFailsForAnotherReasonIsStillAFailure() throws {
        try ScratchDirectory.using(purpose: "no-libdw-failures") { folder in
            let definitions = ["p pb_wl_typed+12 %x0",          // past the entry window: a bad definition for a cost
                               "p pb_no_such_function %x0",     // no such function
                               "p pb_wl_typed %x0 %x1",         // untyped: measured without libdw
                               "f pb_wl_typed obj->balance"]    // needs the DWARF types: unavailable
            let suite: [String: Any] = [
                "name": "mixed", "description": "", "cpus": [], "calls": ["warmup": 1, "measured": 2],
                "scenarios": [], "interruptSweeps": [], "scaling": [], "fetchCosts": [["definitions": definitions]],
            ]
            try JSONSerialization.data(withJSONObject: suite).write(to: folder.appending(path: "mixed.json"))
            let out = folder.appending(path: "out")
            let run = try BenchEndToEndTests.bench(["run", "--suite", "mixed", "--suites", folder.path, "--out", out.path,
                                                    "--quiet", "--no-host-throughput"], environment: Self.withoutLibDW)
            #expect(run.status == 1, "\(run.summary)\n\(run.standardError)")
            let results = try RunResults.load(from: out.appending(path: "latest/results.json"))
            #expect(results.failures.count == 2, "\(results.failures)")
            #expect(results.failures.contains { $0.id.contains(definitions[0]) && $0.reason.contains("probe the function entry") })
            #expect(results.failures.contains { $0.id.contains(definitions[1]) && $0.reason.contains("no function named") })
            #expect(results.fetchCosts.map(\.definition) == [definitions[2]])
            #expect(results.unavailableFetchCosts.map(\.definition) == [definitions[3]])
            #expect(run.standardError.contains("2 task(s) failed:"), "\(run.standardError)")
        }
    }

    /// Results written before `unavailableFetchCosts` existed read as having none.
    @Test func resultsWithoutTheFieldStillRead() throws {
        // The committed baseline with the field taken out, as a file written before it existed.
        let committed = BenchEndToEndTests.packageRoot.appending(path: "Results/baseline.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: committed)) as? [String: Any])
        object["unavailableFetchCosts"] = nil
        let folder = FileManager.default.temporaryDirectory.appending(path: "probebench-older-results-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let older = folder.appending(path: "results.json")
        try JSONSerialization.data(withJSONObject: object).write(to: older)
        #expect(!String(decoding: try Data(contentsOf: older), as: UTF8.self).contains("unavailableFetchCosts"))
        let results = try RunResults.load(from: older)
        #expect(results.unavailableFetchCosts.isEmpty)
        #expect(!results.fetchCosts.isEmpty)
    }

    @Test func compareDoesNotJudgeTheMetricsOfAnUnavailableFetchCost() {
        let cost = FetchCost(definition: "f pb_wl_typed obj->balance", canonicalDefinition: "f:fprobes/pb_wl_typed__entry pb_wl_typed",
                             mechanism: "fprobe", registers: "ftrace_regs", window: "entry", cpu: "cortex-a72", workload: "typed",
                             arguments: 1, fetchOps: 3, measuredCalls: 4, withFetch: WindowCounters(cycles: 1200),
                             withEmptyRecord: WindowCounters(cycles: 1100), withCount: WindowCounters(cycles: 1000))
        var baseline = ResultsFixtures.run("base", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40)])
        baseline.fetchCosts = [cost]
        var current = baseline
        current.fetchCosts = []
        // Simply missing: coverage was lost.
        #expect(ResultsComparison(baseline: baseline, current: current).exitStatus == 2)
        // Unavailable on this host: not judged.
        current.unavailableFetchCosts = [UnavailableFetchCost(definition: cost.definition, cpu: cost.cpu, reason: "libdw is unavailable: test")]
        let comparison = ResultsComparison(baseline: baseline, current: current)
        #expect(comparison.exitStatus == 0)
        let fetchChanges = comparison.changes.filter { $0.key.hasPrefix("fetch ") }
        #expect(fetchChanges.count == 3)
        #expect(fetchChanges.allSatisfy { $0.verdict == .skipped && $0.note == "fetch cost unavailable in this run: libdw is unavailable: test" })
        // The same definition on another CPU is not covered by it.
        current.unavailableFetchCosts[0].cpu = "cortex-a53"
        #expect(ResultsComparison(baseline: baseline, current: current).exitStatus == 2)
    }
}
