import Foundation
import GuestKernel
import Testing
import TestSupport
@testable import Harness

/// What `results.json`'s scenario metrics are documented to hold is what the harness measures.
@Suite struct MetricDocumentationTests {
    /// The `///` comment right above the first line of `file` (under `Sources/Harness`) that starts
    /// with `declaration` after `after`, joined into one line.
    static func documentation(of declaration: String, after: String, in file: String) throws -> String {
        let text = try String(contentsOf: PackageRoot.url.appending(path: "Sources/Harness/\(file)"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex { $0.hasPrefix(after) }, "\(after) in \(file)")
        let line = try #require(lines[start...].firstIndex { $0.hasPrefix(declaration) }, "\(declaration) in \(file)")
        let comment = lines[..<line].reversed().prefix { $0.hasPrefix("///") }.reversed()
        return comment.map { $0.dropFirst(3).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// The published entry and exit windows say what the recorder brackets: the entry window ends at
    /// the body's second instruction, and both start and end at the driver, not "the caller".
    @Test func publishedWindowsAreDocumentedAsTheRecorderMeasuresThem() throws {
        for window in ["entry", "exit"] {
            let recorded = try Self.documentation(of: "var \(window): CounterSnapshot", after: "struct CallTrace",
                                                  in: "Measurement/CallWindowRecorder.swift")
            let published = try Self.documentation(of: "public var \(window): WindowComparison", after: "public struct ScenarioMetrics",
                                                   in: "Results/RunResults.swift")
            #expect(!recorded.isEmpty)
            #expect(published.hasPrefix(recorded), "ScenarioMetrics.\(window): \"\(published)\"; the recorder: \"\(recorded)\"")
        }
    }

    /// `measuredCalls` is the suite's `calls.measured`, however many warm-up calls precede them.
    @Test func measuredCallsAreTheSuitesMeasuredCalls() throws {
        let cpu = HarnessProfiles.defaultName
        let suite = Suite(name: "t", description: "d", cpus: [cpu], warmupCalls: 2, measuredCalls: 3,
                          scenarios: [ScenarioSpec(mechanism: .ftraceArgs, handler: .count, workload: .leaf, cpu: cpu)],
                          sweeps: [], curves: [])
        let output = SuiteRunner(environment: try MeasurementEnvironment(), jobs: 1) { _ in }.run(suite)
        #expect(output.failures.isEmpty, "\(output.failures)")
        #expect(output.scenarios.map(\.metrics.measuredCalls) == [3])
    }
}
