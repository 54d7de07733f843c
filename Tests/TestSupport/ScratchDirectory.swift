import Foundation

/// A uniquely named temporary directory, removed when released unless `keep()` was called.
///
/// Tests that write files use one so that a run of `swift test` leaves nothing in the temporary
/// directory: `using(purpose:_:)` for a directory one test needs, `removedAtExit(purpose:)` for
/// one that a static shares between tests (statics are never released).
public final class ScratchDirectory: @unchecked Sendable {
    public let url: URL
    private let lock = NSLock()
    private var kept = false

    public init(purpose: String) throws {
        url = FileManager.default.temporaryDirectory
            .appending(path: "probebench-\(purpose)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Runs `body` with a new directory's URL and removes the directory afterwards, whether `body`
    /// returns or throws.
    public static func using<Result>(purpose: String, _ body: (URL) throws -> Result) throws -> Result {
        let directory = try ScratchDirectory(purpose: purpose)
        return try withExtendedLifetime(directory) { try body(directory.url) }
    }

    /// A new directory's URL, removed when the test process exits.
    public static func removedAtExit(purpose: String) throws -> URL {
        let directory = try ScratchDirectory(purpose: purpose)
        directory.keep()
        ProcessExitCleanup.shared.removeAtExit(directory.url)
        return directory.url
    }

    /// Keeps the directory after the test, e.g. so a failure can be reproduced from its files.
    public func keep() {
        lock.lock()
        kept = true
        lock.unlock()
    }

    deinit {
        if !kept { try? FileManager.default.removeItem(at: url) }
    }
}

/// The directories to remove when the process exits, through one `atexit` handler.
private final class ProcessExitCleanup: @unchecked Sendable {
    static let shared = ProcessExitCleanup()
    private let lock = NSLock()
    private var urls: [URL] = []

    private init() {
        atexit { ProcessExitCleanup.shared.removeAll() }
    }

    func removeAtExit(_ url: URL) {
        lock.lock()
        urls.append(url)
        lock.unlock()
    }

    private func removeAll() {
        lock.lock()
        let pending = urls
        urls = []
        lock.unlock()
        for url in pending { try? FileManager.default.removeItem(at: url) }
    }
}
