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
}
