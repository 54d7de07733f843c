import Foundation

/// The outcome of a finished (or killed) subprocess.
public struct SubprocessResult: Sendable {
    /// The command line, for failure messages.
    public var commandLine: String
    /// The exit status, or the signal number if `wasSignalled`.
    public var status: Int32
    public var wasSignalled: Bool
    /// The process ran past its timeout and was killed.
    public var timedOut: Bool
    public var standardOutput: [UInt8]
    public var standardError: String

    /// Whether the process exited normally with status 0.
    public var succeeded: Bool { !timedOut && !wasSignalled && status == 0 }

    /// One line saying how the process ended.
    public var summary: String {
        if timedOut { return "`\(commandLine)` timed out and was killed" }
        if wasSignalled { return "`\(commandLine)` was killed by signal \(status)" }
        return "`\(commandLine)` exited with status \(status)"
    }
}

/// A subprocess error that is not the program's own failure (it could not be started).
public struct SubprocessError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Runs programs with captured output and a timeout.
public enum Subprocess {
    /// Runs `executable` with `arguments`, collecting standard output and error, killing it after `timeout` seconds.
    /// `environment` adds to (or overrides) this process's environment for the child.
    public static func run(_ executable: URL, _ arguments: [String], timeout: TimeInterval = 60,
                           environment: [String: String] = [:]) throws -> SubprocessResult {
        let commandLine = (environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [executable.path] + arguments)
            .joined(separator: " ")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let collectedOutput = CollectedBytes(), collectedError = CollectedBytes()
        let readers = DispatchGroup()
        for (pipe, sink) in [(output, collectedOutput), (error, collectedError)] {
            readers.enter()
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async {
                sink.set(handle.readDataToEndOfFile())
                readers.leave()
            }
        }
        do {
            try process.run()
        } catch {
            throw SubprocessError(description: "cannot start \(commandLine): \(error)")
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        readers.wait()
        return SubprocessResult(
            commandLine: commandLine, status: process.terminationStatus,
            wasSignalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            standardOutput: [UInt8](collectedOutput.data), standardError: String(decoding: collectedError.data, as: UTF8.self))
    }
}

/// Bytes read on a background queue, handed over under a lock.
private final class CollectedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()

    func set(_ data: Data) {
        lock.lock()
        stored = data
        lock.unlock()
    }

    var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
