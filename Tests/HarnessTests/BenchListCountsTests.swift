import Foundation
import Testing
import TestSupport
@testable import Harness

/// `bench list` says what a run of each suite reports, and a run reports exactly that.
///
/// It used to count the suite file's scenario and curve specs: the full suite listed 176 scenarios
/// and 27 curves where a run reported 177 and 39 (a `none` IRQ sweep is published as a scenario of
/// its own, an attached-functions curve gives two curves).
@Suite(.serialized) struct BenchListCountsTests {
    static let suites = BenchEndToEndTests.packageRoot.appending(path: "Benchmarks/Suites")

    /// The counts `bench list` prints for each suite, by name.
    static func listedCounts() throws -> [String: (scenarios: Int, curves: Int, fetchCosts: Int?)] {
        let result = try BenchEndToEndTests.bench(["list", "--suites", suites.path])
        guard result.succeeded else { throw SubprocessError(description: "bench list failed: \(result.summary)") }
        var counts: [String: (scenarios: Int, curves: Int, fetchCosts: Int?)] = [:]
        for line in String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n") {
            guard let name = line.firstMatch(of: /^\s\s(\S+)\s/)?.1,
                  let scenarios = line.firstMatch(of: /(\d+) scenarios?\b/)?.1,
                  let curves = line.firstMatch(of: /(\d+) curves?\b/)?.1 else { continue }
            let fetchCosts = line.firstMatch(of: /(\d+) fetch costs?\b/)?.1
            counts[String(name)] = (Int(scenarios)!, Int(curves)!, fetchCosts.flatMap { Int($0) })
        }
        return counts
    }

    /// Suites run here; the others (the full suite takes 10 s or more in a debug build) are checked
    /// against the runner's plan, which `theReportedPlanNamesWhatARunReports` checks against runs.
    static let suitesRun: Set<String> = ["default", "quick"]

    /// What a run of `name` reported: (scenarios, curves, fetch costs).
    static func reported(byRunning name: String, in out: URL) throws -> (Int, Int, Int) {
        let results: RunResults
        if name == "quick" {
            results = try RunResults.load(from: try BenchEndToEndTests.quickRun.get().appending(path: "results.json"))
        } else {
            let run = try BenchEndToEndTests.bench(["run", "--suite", name, "--suites", suites.path, "--out", out.path,
                                                    "--quiet", "--no-host-throughput"])
            #expect(run.succeeded, "\(name): \(run.summary)\n\(run.standardError)")
            results = try RunResults.load(from: out.appending(path: "latest/results.json"))
        }
        #expect(results.failures.isEmpty, "\(name): \(results.failures)")
        // A fetch cost this host cannot measure (libdw unavailable) is reported as unavailable.
        return (results.scenarios.count, results.scaling.count, results.fetchCosts.count + results.unavailableFetchCosts.count)
    }

    @Test func listCountsEqualWhatARunOfEachSuiteReports() throws {
        let listed = try Self.listedCounts()
        let names = Suite.availableSuites(in: Self.suites)
        #expect(Set(listed.keys) == Set(names), "bench list gave counts for \(listed.keys.sorted()), the folder holds \(names)")
        #expect(Self.suitesRun.isSubset(of: names) && names.contains("full"))
        for name in names {
            let counts = try #require(listed[name], "bench list printed no counts for \(name)")
            try ScratchDirectory.using(purpose: "list-\(name)") { out in
                let (scenarios, curves, fetchCosts): (Int, Int, Int)
                let source: String
                if Self.suitesRun.contains(name) {
                    (scenarios, curves, fetchCosts) = try Self.reported(byRunning: name, in: out)
                    source = "the run reported"
                } else {
                    let suite = try Suite.load(named: name, folder: Self.suites, knownCPUs: HarnessProfiles.names,
                                               defaultCPU: HarnessProfiles.defaultName)
                    (scenarios, curves, fetchCosts) = (suite.reportedScenarios.count, suite.reportedCurveIDs.count,
                                                       suite.fetchCosts.count)
                    source = "the runner's plan has"
                }
                #expect(counts.scenarios == scenarios, "\(name): bench list says \(counts.scenarios) scenarios, \(source) \(scenarios)")
                #expect(counts.curves == curves, "\(name): bench list says \(counts.curves) curves, \(source) \(curves)")
                let listedFetchCosts = counts.fetchCosts.map { "\($0) fetch costs" } ?? "nothing about fetch costs"
                #expect(counts.fetchCosts == fetchCosts, "\(name): bench list says \(listedFetchCosts), \(source) \(fetchCosts)")
            }
        }
    }

    /// The runner's plan names the very scenarios and curves a run reports, not only as many.
    @Test func theReportedPlanNamesWhatARunReports() throws {
        let suite = try Suite.load(named: "default", folder: Self.suites, knownCPUs: HarnessProfiles.names,
                                   defaultCPU: HarnessProfiles.defaultName)
        // Extra rules in one small suite: a `none` sweep, a sweep of a scenario the suite does not
        // list, an attached-functions curve, and a CPU and a group named twice.
        let definition = SuiteDefinition(
            name: "rules", description: "", cpus: [HarnessProfiles.defaultName, HarnessProfiles.defaultName],
            calls: .init(warmup: 0, measured: 1),
            scenarios: [.init(mechanisms: ["ftrace-args"], handlers: ["count"], workloads: ["leaf"]),
                        .init(mechanisms: ["ftrace-args"], handlers: ["count"], workloads: ["leaf"])],
            interruptSweeps: [.init(mechanisms: ["none", "fgraph"], workload: "leaf", handler: "count")],
            scaling: [.init(parameter: "functions", values: [1, 2], mechanisms: ["ftrace-args"], handler: "count", workload: "leaf"),
                      .init(parameter: "functions", values: [2, 3], mechanisms: ["ftrace-args"], handler: "count", workload: "leaf")],
            fetchCosts: nil)
        let rules = try Suite.resolve(definition, file: "rules.json", knownCPUs: HarnessProfiles.names,
                                      defaultCPU: HarnessProfiles.defaultName)
        #expect(rules.reportedScenarios.map(\.id).sorted()
                == ["fgraph/count/leaf@cortex-a72", "ftrace-args/count/leaf@cortex-a72", "none/count/leaf@cortex-a72"])
        #expect(rules.reportedCurveIDs.count == 2)
        let environment = try MeasurementEnvironment()
        for planned in [rules, suite.filtered(by: ["nonleaf"])] {
            let output = SuiteRunner(environment: environment, jobs: 2) { _ in }.run(planned)
            #expect(output.failures.isEmpty, "\(planned.name): \(output.failures)")
            #expect(output.scenarios.map(\.id) == planned.reportedScenarios.map(\.id).sorted(), "\(planned.name)")
            #expect(output.scaling.map(\.id) == planned.reportedCurveIDs.sorted(), "\(planned.name)")
        }
    }
}
