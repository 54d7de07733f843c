import Foundation

/// Where runs live: `Results/runs/<timestamp>-<commit>/` plus a `Results/latest` link to the newest.
///
/// A run is written into a hidden staging folder and renamed into place in one step, so an
/// interrupted run leaves no half-written run folder and never touches earlier ones.
public struct ResultsStore: Sendable {
    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    public var runsFolder: URL { root.appending(path: "runs") }
    public var latestLink: URL { root.appending(path: "latest") }
    public var baselineFile: URL { root.appending(path: "baseline.json") }

    /// `base`, or `base-2`, `base-3`… if a run already has that name: identifiers are timestamped to
    /// the second, and a default suite now runs in less than one.
    public func unusedIdentifier(_ base: String) -> String {
        var candidate = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: runsFolder.appending(path: candidate).path) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        return candidate
    }

    /// Writes `files` (name → contents) as run `identifier` and points `latest` at it.
    @discardableResult
    public func publishRun(identifier: String, files: [String: Data]) throws -> URL {
        let manager = FileManager.default
        try manager.createDirectory(at: runsFolder, withIntermediateDirectories: true)
        removeAbandonedStaging()
        let staging = runsFolder.appending(path: ".staging-\(identifier)-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        for (name, contents) in files {
            try contents.write(to: staging.appending(path: name))
        }
        let destination = runsFolder.appending(path: identifier)
        if manager.fileExists(atPath: destination.path) {
            throw ResultsError.runExists(destination.path)
        }
        try manager.moveItem(at: staging, to: destination)
        try pointLatest(at: destination)
        return destination
    }

    /// Replaces `latest` with a link to `run` atomically (a new link renamed over the old one).
    private func pointLatest(at run: URL) throws {
        let temporary = root.appending(path: ".latest-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: temporary)
        try FileManager.default.createSymbolicLink(atPath: temporary.path, withDestinationPath: "runs/" + run.lastPathComponent)
        guard rename(temporary.path, latestLink.path) == 0 else {
            throw ResultsError.cannotWrite(latestLink.path, String(cString: strerror(errno)))
        }
    }

    /// Staging folders left by interrupted runs of processes that no longer exist.
    private func removeAbandonedStaging() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runsFolder.path) else { return }
        for name in names where name.hasPrefix(".staging-") {
            guard let pidText = name.split(separator: "-").last, let pid = Int32(pidText),
                  kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(at: runsFolder.appending(path: name))
        }
    }

    /// The run a user names: a folder path, a `results.json` path, a run identifier, or `latest`.
    public func resolveRun(_ reference: String?) throws -> URL {
        let manager = FileManager.default
        guard let reference else {
            guard manager.fileExists(atPath: latestLink.path) else {
                throw ResultsError.noRuns(runsFolder.path)
            }
            return latestLink.resolvingSymlinksInPath()
        }
        let direct = URL(fileURLWithPath: reference)
        if manager.fileExists(atPath: direct.path) {
            return direct.lastPathComponent == "results.json" ? direct.deletingLastPathComponent() : direct
        }
        let named = runsFolder.appending(path: reference)
        if manager.fileExists(atPath: named.path) { return named }
        throw ResultsError.runNotFound(reference)
    }
}

/// Problems reading or writing results, each naming the file.
public enum ResultsError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unreadable(String, String)
    case unsupportedSchema(String, Int)
    case runExists(String)
    case cannotWrite(String, String)
    case noRuns(String)
    case runNotFound(String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path) does not exist"
        case .unreadable(let path, let reason): return "\(path) is not valid results JSON: \(reason)"
        case .unsupportedSchema(let path, let version):
            return "\(path) uses results schema version \(version); this bench reads version \(RunResults.currentSchemaVersion)"
        case .runExists(let path): return "a run already exists at \(path)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .noRuns(let path): return "no runs yet in \(path): run `swift run bench` first"
        case .runNotFound(let reference): return "no run named \(reference) (give a run folder, its results.json, or an identifier under Results/runs)"
        }
    }
}

extension RunResults {
    /// The JSON of `results.json`: pretty-printed with sorted keys so diffs are readable.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads results JSON, rejecting a missing file, malformed JSON or an unknown schema version clearly.
    public static func load(from url: URL) throws(ResultsError) -> RunResults {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(url.path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(url.path, error.localizedDescription)
        }
        struct VersionProbe: Decodable { var schemaVersion: Int }
        let version: Int
        do {
            version = try JSONDecoder().decode(VersionProbe.self, from: data).schemaVersion
        } catch {
            throw .unreadable(url.path, Self.describe(error))
        }
        guard version == currentSchemaVersion else { throw .unsupportedSchema(url.path, version) }
        do {
            return try JSONDecoder().decode(RunResults.self, from: data)
        } catch {
            throw .unreadable(url.path, Self.describe(error))
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        default:
            return error.localizedDescription
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    }
}
