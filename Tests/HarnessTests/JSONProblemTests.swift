import Foundation
import Testing
import TestSupport
@testable import Harness

/// A JSON file that cannot be used is described with the place: a field path, or a line and column.
@Suite struct JSONProblemTests {
    struct Point: Decodable { var x: Double; var kind: Kind }
    enum Kind: String, Decodable { case a, b }
    struct Document: Decodable { var name: String; var points: [Point] }

    static func problem(_ text: String) -> String {
        let data = Data(text.utf8)
        do {
            _ = try JSONDecoder().decode(Document.self, from: data)
            return "decoded"
        } catch {
            return JSONProblem.describe(error, in: data)
        }
    }

    @Test func textThatIsNotJSONGetsALineAndColumn() {
        #expect(Self.problem("{\n  \"name\": \"n\",\n  \"points\": [1,, 2]\n}").hasPrefix("not valid JSON at line 3, column"))
        // JSONSerialization stops at the 'o' of what it took for null.
        #expect(Self.problem("nope").hasPrefix("not valid JSON at line 1, column 2"))
        #expect(Self.problem("{\"name\": \"n\",\n \"points\": [") == "not valid JSON: it ends at line 2, column 13 before the JSON is complete")
        #expect(Self.problem("") == "the file is empty")
        #expect(Self.problem(" \n") == "the file is empty")
    }

    @Test func valuesOfTheWrongShapeNameTheirField() {
        #expect(Self.problem(#"{"points": []}"#) == "missing field 'name' at the top level")
        #expect(Self.problem(#"{"name": "n", "points": [{"x": 1, "kind": "a"}, {"x": "far", "kind": "a"}]}"#)
            .hasPrefix("points[1].x should be a number"))
        #expect(Self.problem(#"{"name": "n", "points": [{"x": 1, "kind": "c"}]}"#).hasPrefix("points[0].kind: "))
        #expect(Self.problem(#"{"name": null, "points": []}"#).hasPrefix("name should be a string"))
    }

    @Test func aFolderOrADeviceIsNamedAsSuch() throws {
        try ScratchDirectory.using(purpose: "json") { folder in
            #expect(throws: ResultsError.unreadable(folder.path, "it is a folder, not a file")) {
                try RunResults.load(from: folder)
            }
            #expect(throws: ResultsError.unreadable("/dev/null", "it is not a regular file")) {
                try RunResults.load(from: URL(fileURLWithPath: "/dev/null"))
            }
        }
    }

    @Test func aFileThatCannotBeWrittenGetsTheSystemsReason() throws {
        let url = URL(fileURLWithPath: "/nonexistent-probebench-folder/report.md")
        let error = try #require(throws: (any Error).self) { try Data("x".utf8).write(to: url) }
        #expect(JSONProblem.fileProblem(at: url, error) == "No such file or directory")
    }
}
