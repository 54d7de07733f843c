import Foundation

/// The Swift toolchain's clang and ld.lld, used to build the AArch64 fixture programs.
struct AArch64Toolchain: Sendable {
    let clang: URL
    let linker: URL

    /// The toolchain next to the `swift` driver (or `clang` on PATH), or `nil` with the reason.
    static let located: Result<AArch64Toolchain, SkipReason> = locate()

    /// Why a group of tests cannot run on this machine.
    struct SkipReason: Error, CustomStringConvertible, Sendable {
        let description: String
    }

    private static func locate() -> Result<AArch64Toolchain, SkipReason> {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["PROBEBENCH_CLANG"] {
            candidates.append(URL(fileURLWithPath: override).deletingLastPathComponent())
        }
        for name in ["swift", "clang"] {
            if let found = findOnPath(name) { candidates.append(found.resolvingSymlinksInPath().deletingLastPathComponent()) }
        }
        candidates.append(URL(fileURLWithPath: "/opt/swift/usr/bin"))
        let fileManager = FileManager.default
        for directory in candidates {
            let clang = directory.appendingPathComponent("clang")
            let linker = directory.appendingPathComponent("ld.lld")
            if fileManager.isExecutableFile(atPath: clang.path), fileManager.isExecutableFile(atPath: linker.path) {
                return .success(AArch64Toolchain(clang: clang, linker: linker))
            }
        }
        return .failure(SkipReason(description:
            "no clang + ld.lld found next to the swift driver, on PATH or in /opt/swift/usr/bin"))
    }

    private static func findOnPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Compiles and links `source` into `output` with the common freestanding flags plus `flags`.
    func build(source: URL, output: URL, flags: [String]) throws {
        let arguments = ["-O2", "-fno-omit-frame-pointer", "-fasynchronous-unwind-tables", "-ffreestanding",
                         "-nostdlib", "-fno-stack-protector", "-Wall", "-Werror", "--ld-path=" + linker.path]
            + flags + ["-o", output.path, source.path]
        try ProcessRunner.run(clang, arguments: arguments)
    }
}

/// Runs a command to completion and returns its standard output.
enum ProcessRunner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func run(_ executable: URL, arguments: [String]) throws -> Data {
        // Temporary files rather than pipes: a large output can never block the child.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("probebench-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        else {
            throw Failure(description: "cannot create output files in \(directory.path)")
        }
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try output.close()
        try errors.close()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description:
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited with "
                + "\(process.terminationStatus): \(message)")
        }
        return try Data(contentsOf: outputURL)
    }
}
