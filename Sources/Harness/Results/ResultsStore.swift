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

    /// Writes `files` (name → contents) as run `identifier` and points `latest` at it; fails if
    /// that run exists.
    @discardableResult
    public func publishRun(identifier: String, files: [String: Data]) throws -> URL {
        try publishRun(named: identifier, unique: false) { _ in files }
    }

    /// Publishes a run under `base`, or `base-2`, `base-3`… if another run (perhaps a concurrent
    /// `bench run` into the same folder, in the same second) has that name: `render` gets the
    /// identifier chosen and returns the files (name → contents), and is called again if the name
    /// is taken by the time the run is renamed into place. Points `latest` at it.
    @discardableResult
    public func publishRun(named base: String, render: (String) throws -> [String: Data]) throws -> URL {
        try publishRun(named: base, unique: true, render: render)
    }

    private func publishRun(named base: String, unique: Bool, render: (String) throws -> [String: Data]) throws -> URL {
        let manager = FileManager.default
        try prepareForWriting()
        removeAbandonedStaging()
        while true {
            let identifier = unique ? unusedIdentifier(base) : base
            let destination = runsFolder.appending(path: identifier)
            if manager.fileExists(atPath: destination.path) { throw ResultsError.runExists(destination.path) }
            let files = try render(identifier)
            let staging = runsFolder.appending(path: ".staging-\(identifier)-\(ProcessInfo.processInfo.processIdentifier)")
            try? manager.removeItem(at: staging)
            defer { try? manager.removeItem(at: staging) }
            do {
                try manager.createDirectory(at: staging, withIntermediateDirectories: true)
                for (name, contents) in files { try contents.write(to: staging.appending(path: name)) }
            } catch {
                throw ResultsError.cannotWrite(staging.path, JSONProblem.fileProblem(at: staging, error))
            }
            // rename(2) will not replace a directory that holds files: a run that took the name
            // meanwhile stays intact, and this one takes the next name.
            guard rename(staging.path, destination.path) == 0 else {
                let code = errno
                if unique && (code == EEXIST || code == ENOTEMPTY) { continue }
                if code == EEXIST || code == ENOTEMPTY { throw ResultsError.runExists(destination.path) }
                throw ResultsError.cannotWrite(destination.path, String(cString: strerror(code)))
            }
            try pointLatest(at: destination)
            return destination
        }
    }

    /// Creates the runs folder if needed and checks it can be written, so that a bad `--out` is
    /// reported before a suite runs rather than after.
    public func prepareForWriting() throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: root.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ResultsError.cannotWrite(root.path, "it is a file, not a folder")
        }
        do {
            try manager.createDirectory(at: runsFolder, withIntermediateDirectories: true)
        } catch {
            throw ResultsError.cannotWrite(runsFolder.path, JSONProblem.fileProblem(at: runsFolder, error))
        }
        guard access(runsFolder.path, W_OK) == 0 else {
            throw ResultsError.cannotWrite(runsFolder.path, String(cString: strerror(errno)))
        }
    }

    /// Replaces `latest` with a link to `run` atomically (a new link renamed over the old one).
    private func pointLatest(at run: URL) throws {
        let temporary = root.appending(path: ".latest-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: temporary)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try FileManager.default.createSymbolicLink(atPath: temporary.path, withDestinationPath: "runs/" + run.lastPathComponent)
        guard rename(temporary.path, latestLink.path) == 0 else {
            throw ResultsError.cannotWrite(latestLink.path, String(cString: strerror(errno))
                                           + " (the run itself is at \(run.path))")
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
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: direct.path, isDirectory: &isFolder) {
            if direct.lastPathComponent == "results.json" { return direct.deletingLastPathComponent() }
            guard isFolder.boolValue else { throw ResultsError.runNotFound(reference) }
            return direct
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
        case .unreadable(let path, let reason): return "\(path) cannot be read as results JSON: \(reason)"
        case .unsupportedSchema(let path, let version):
            return "\(path) uses results schema version \(version); this bench reads version \(RunResults.currentSchemaVersion)"
        case .runExists(let path): return "a run already exists at \(path)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .noRuns(let path): return "no runs yet in \(path): run `swift run bench` first"
        case .runNotFound(let reference): return "no run at \(reference) (give a run folder, its results.json, or an identifier under Results/runs)"
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
            throw .unreadable(url.path, JSONProblem.fileProblem(at: url, error))
        }
        struct VersionProbe: Decodable { var schemaVersion: Int }
        let version: Int
        do {
            version = try JSONDecoder().decode(VersionProbe.self, from: data).schemaVersion
        } catch {
            throw .unreadable(url.path, JSONProblem.describe(error, in: data))
        }
        guard version == currentSchemaVersion else { throw .unsupportedSchema(url.path, version) }
        do {
            return try JSONDecoder().decode(RunResults.self, from: data)
        } catch {
            throw .unreadable(url.path, JSONProblem.describe(error, in: data))
        }
    }
}
