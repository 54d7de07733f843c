import Foundation
import Testing
import TestSupport
@testable import Harness

@Suite struct ResultsStoreTests {
    @Test func publishingARunWritesItsFilesAndPointsLatestAtIt() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let store = ResultsStore(root: root)
            let folder = try store.publishRun(identifier: "20261121T000000Z-abc1234", files: ["a.txt": Data("A".utf8)])
            #expect(try String(contentsOf: folder.appending(path: "a.txt"), encoding: .utf8) == "A")
            #expect(try store.resolveRun(nil).lastPathComponent == "20261121T000000Z-abc1234")
            let second = try store.publishRun(identifier: "20261121T000100Z-abc1234", files: ["a.txt": Data("B".utf8)])
            #expect(try store.resolveRun(nil).lastPathComponent == second.lastPathComponent)
            #expect(try String(contentsOf: folder.appending(path: "a.txt"), encoding: .utf8) == "A", "an earlier run is never touched")
        }
    }

    @Test func twoRunsInTheSameSecondGetTwoNames() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let store = ResultsStore(root: root)
            let base = "20261122T081642Z-abc1234"
            #expect(store.unusedIdentifier(base) == base)
            let first = try store.publishRun(identifier: store.unusedIdentifier(base), files: ["a.txt": Data("A".utf8)])
            let second = try store.publishRun(identifier: store.unusedIdentifier(base), files: ["a.txt": Data("B".utf8)])
            #expect(first.lastPathComponent == base)
            #expect(second.lastPathComponent == base + "-2")
            #expect(store.unusedIdentifier(base) == base + "-3")
            #expect(try String(contentsOf: first.appending(path: "a.txt"), encoding: .utf8) == "A")
            #expect(try store.resolveRun(nil).lastPathComponent == base + "-2")
        }
    }

    @Test func aRunThatTakesTheNameMeanwhileIsKeptAndThisOneTakesTheNext() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let store = ResultsStore(root: root)
            let base = "20261122T081642Z-abc1234"
            var rendered: [String] = []
            let published = try store.publishRun(named: base) { identifier in
                rendered.append(identifier)
                if rendered.count == 1 {
                    // Another bench run, in the same second, publishes under the same name first.
                    _ = try store.publishRun(identifier: identifier, files: ["a.txt": Data("other".utf8)])
                }
                return ["a.txt": Data("mine \(identifier)".utf8)]
            }
            #expect(rendered == [base, base + "-2"], "rendered again under the name it publishes as")
            #expect(published.lastPathComponent == base + "-2")
            #expect(try String(contentsOf: store.runsFolder.appending(path: base + "/a.txt"), encoding: .utf8) == "other")
            #expect(try String(contentsOf: published.appending(path: "a.txt"), encoding: .utf8) == "mine \(base)-2")
            let left = try FileManager.default.contentsOfDirectory(atPath: store.runsFolder.path).filter { $0.hasPrefix(".") }
            #expect(left.isEmpty, "no staging folder left: \(left)")
        }
    }

    @Test func aResultsFolderThatCannotBeWrittenIsReportedBeforeAnythingRuns() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let file = root.appending(path: "a-file")
            try Data("x".utf8).write(to: file)
            #expect(throws: ResultsError.cannotWrite(file.path, "it is a file, not a folder")) {
                try ResultsStore(root: file).prepareForWriting()
            }
            let runsIsAFile = root.appending(path: "out")
            try FileManager.default.createDirectory(at: runsIsAFile, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: runsIsAFile.appending(path: "runs"))
            #expect(throws: ResultsError.self) { try ResultsStore(root: runsIsAFile).prepareForWriting() }
        }
    }

    @Test func aRunIsAFolderItsResultsOrAnIdentifierButNotAnyFile() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let store = ResultsStore(root: root)
            let run = try store.publishRun(identifier: "run-1", files: ["results.json": Data("{}".utf8)])
            func path(_ url: URL) -> String { url.standardizedFileURL.path.trimmingCharacters(in: ["/"]) }
            #expect(path(try store.resolveRun(run.path)) == path(run))
            #expect(path(try store.resolveRun(run.appending(path: "results.json").path)) == path(run))
            #expect(try store.resolveRun("run-1").lastPathComponent == "run-1")
            let other = root.appending(path: "good.json")
            try Data("{}".utf8).write(to: other)
            #expect(throws: ResultsError.runNotFound(other.path)) { try store.resolveRun(other.path) }
        }
    }

    @Test func anAbandonedStagingFolderIsNotARunAndDoesNotBlockTheNext() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let store = ResultsStore(root: root)
            let earlier = try store.publishRun(identifier: "run-1", files: ["results.json": Data("{}".utf8)])
            // What an interrupted run leaves behind: a staging folder of a process that no longer exists.
            let abandoned = store.runsFolder.appending(path: ".staging-run-2-999999")
            try FileManager.default.createDirectory(at: abandoned, withIntermediateDirectories: true)
            #expect(try store.resolveRun(nil).lastPathComponent == earlier.lastPathComponent)
            _ = try store.publishRun(identifier: "run-3", files: [:])
            #expect(!FileManager.default.fileExists(atPath: abandoned.path))
            #expect(FileManager.default.fileExists(atPath: earlier.appending(path: "results.json").path))
        }
    }

    @Test func resultsRoundTripThroughJSON() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let results = ResultsFixtures.run("r", scenarios: [ResultsFixtures.scenario("fgraph", entryCycles: 50)])
            let url = root.appending(path: "results.json")
            try results.encodedJSON().write(to: url)
            #expect(try RunResults.load(from: url) == results)
        }
    }

    @Test func corruptMissingAndFutureResultsAreRejectedClearly() throws {
        try ScratchDirectory.using(purpose: "store") { root in
            let missing = root.appending(path: "none.json")
            #expect(throws: ResultsError.missing(missing.path)) { try RunResults.load(from: missing) }

            let corrupt = root.appending(path: "corrupt.json")
            try Data("{\"schemaVersion\": 1, \"run\": ".utf8).write(to: corrupt)
            #expect { try RunResults.load(from: corrupt) } throws: { error in
                guard case ResultsError.unreadable(let path, _) = error else { return false }
                return path == corrupt.path
            }

            let future = root.appending(path: "future.json")
            try Data("{\"schemaVersion\": 99}".utf8).write(to: future)
            #expect(throws: ResultsError.unsupportedSchema(future.path, 99)) { try RunResults.load(from: future) }
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array(repeating: UInt8(ascii: "a"), count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
