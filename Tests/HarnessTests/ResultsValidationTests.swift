import Foundation
import Testing
import TestSupport
@testable import Harness

/// Results JSON whose numbers no run writes is refused on load, naming the field, rather than
/// trapping later in the reports or the comparison that sum and convert them.
@Suite struct ResultsValidationTests {
    /// The problem `RunResults.load` reports for the fixture run changed by `edit` (on its JSON
    /// object), or "loaded" when it loads.
    static func problem(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let results = ResultsFixtures.run("r1", scenarios: [ResultsFixtures.scenario("fgraph", entryCycles: 40)])
        var object = try #require(try JSONSerialization.jsonObject(with: results.encodedJSON()) as? [String: Any])
        edit(&object)
        return try ScratchDirectory.using(purpose: "results-validation") { folder in
            let url = folder.appending(path: "results.json")
            try JSONSerialization.data(withJSONObject: object).write(to: url)
            do throws(ResultsError) {
                _ = try RunResults.load(from: url)
                return "loaded"
            } catch {
                guard case .unreadable(let path, let reason) = error else { return "\(error)" }
                #expect(path == url.path)
                return reason
            }
        }
    }

    /// Sets field `key` of the first walk of the first scenario.
    static func setWalk(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var scenarios = object["scenarios"] as? [[String: Any]] ?? []
            var walks = scenarios[0]["walks"] as? [[String: Any]] ?? []
            walks[0][key] = value
            scenarios[0]["walks"] = walks
            object["scenarios"] = scenarios
        }
    }

    @Test func theFixtureLoads() throws {
        #expect(try Self.problem { _ in } == "loaded")
    }

    /// A walk count of Int.max made `bench report` trap with an arithmetic overflow where the
    /// design report sums the tallies of every scenario (`WalkTally.merge`).
    @Test func walkCountsOutsideWhatARunTakesAreRefused() throws {
        #expect(try Self.problem(Self.setWalk("total", Int.max))
            == "scenarios[0].walks[0].total: 9223372036854775807 is not a count of walks: it must be 0…4294967296")
        #expect(try Self.problem(Self.setWalk("correct", -1))
            == "scenarios[0].walks[0].correct: -1 is not a count of walks: it must be 0…4294967296")
        #expect(try Self.problem(Self.setWalk("masked", -3))
            == "scenarios[0].walks[0].masked: -3 is not a count of instructions: it must be 0…4294967296")
    }

    @Test func walkVerdictsMustAddUpToTheTotal() throws {
        #expect(try Self.problem(Self.setWalk("total", 5)) == "scenarios[0].walks[0].total: 5 walks, but their verdicts add up "
            + "to 4 (correct 4, missing frame 0, extra frame 0, unrecovered trampoline 0, truncated 0, refused 0)")
        #expect(try Self.problem(Self.setWalk("wrongButClaimedReliable", 1))
            == "scenarios[0].walks[0].wrongButClaimedReliable: 1 walks wrong although claimed reliable, more than the 0 that were wrong")
    }

    /// Sets `key` of the first scenario's metrics to the result of `change` on its current value.
    static func setMetric(_ key: String, _ change: @escaping (Any?) -> Any) -> (inout [String: Any]) -> Void {
        { object in
            var scenarios = object["scenarios"] as? [[String: Any]] ?? []
            var metrics = scenarios[0]["metrics"] as? [String: Any] ?? [:]
            metrics[key] = change(metrics[key])
            scenarios[0]["metrics"] = metrics
            object["scenarios"] = scenarios
        }
    }

    /// The fixture's entry window (40 cycles, 20 instructions per call) charged to symbols.
    static func entryBySymbol(_ cycles: [Double]) -> [[String: Any]] {
        cycles.enumerated().map { index, cycles in
            ["symbol": "s\(index)", "counters": ["cycles": cycles, "instructions": cycles / 2, "exceptions": 0,
                                                  "branchMispredicts": 0, "returnMispredicts": 0, "cacheMisses": 0]]
        }
    }

    @Test func cyclesBySymbolThatAddUpToTheirWindowLoad() throws {
        #expect(try Self.problem(Self.setMetric("entryBySymbol") { _ in Self.entryBySymbol([30, 10]) }) == "loaded")
    }

    /// Cycles by symbol of 1e308 made `bench report` trap converting the symbol's share of the
    /// entry window (to a percentage) to an Int, in the design report's cycle attribution.
    @Test func cyclesBySymbolThatDoNotAddUpToTheirWindowAreRefused() throws {
        #expect(try Self.problem(Self.setMetric("entryBySymbol") { _ in Self.entryBySymbol([1e308, 10]) })
            == "scenarios[0].metrics.entryBySymbol: the symbols' cycles add up to 1e+308 per call, but the steady window they "
            + "divide has 40.0 (entry.steady.measured.cycles)")
    }

    @Test func negativeCountsAreRefused() throws {
        #expect(try Self.problem(Self.setMetric("measuredCalls") { _ in -16 })
            == "scenarios[0].metrics.measuredCalls: -16 is not a count of calls: it cannot be negative")
        #expect(try Self.problem(Self.setMetric("entryBySymbol") { _ in Self.entryBySymbol([-4, 44]) })
            == "scenarios[0].metrics.entryBySymbol[0].counters.cycles: -4.0 is not a count per call: it cannot be negative")
    }
}
