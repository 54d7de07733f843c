import Foundation
import TestSupport

/// The toolchain's clang, ld.lld and llvm-objdump, found next to the `swift` that runs the tests.
///
/// Lookup order: `PROBEBENCH_TOOLCHAIN_BIN` (a directory), the directory of the `swift` found on
/// `PATH` (symlinks resolved), `/opt/swift/usr/bin`, then the directory of the `clang` on `PATH`.
/// Only a directory that has all three tools counts, so objdump and the assembler always come from
/// one LLVM, and a distribution's older llvm-objdump elsewhere on `PATH` is never picked first.
struct Toolchain: Sendable {
    let clang: URL
    let linker: URL
    let objdump: URL

    static let found: Toolchain? = locate()

    /// Why tests that need the toolchain are skipped.
    static let missingReason = "no toolchain with clang, ld.lld and llvm-objdump (set PROBEBENCH_TOOLCHAIN_BIN)"

    private static func locate() -> Toolchain? {
        let environment = ProcessInfo.processInfo.environment
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        /// The directory holding the first `tool` on PATH, symlinks resolved.
        func directory(of tool: String) -> String? {
            for directory in path {
                let file = URL(fileURLWithPath: directory).appendingPathComponent(tool)
                if FileManager.default.isExecutableFile(atPath: file.path) {
                    return file.resolvingSymlinksInPath().deletingLastPathComponent().path
                }
            }
            return nil
        }
        let candidates = [environment["PROBEBENCH_TOOLCHAIN_BIN"], directory(of: "swift"), "/opt/swift/usr/bin",
                          directory(of: "clang")].compactMap { $0 }
        for directory in candidates {
            let bin = URL(fileURLWithPath: directory)
            let tools = ["clang", "ld.lld", "llvm-objdump"].map { bin.appendingPathComponent($0) }
            if tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0.path) }) {
                return Toolchain(clang: tools[0], linker: tools[1], objdump: tools[2])
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments`; returns standard output, throws with standard error on failure.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String]) throws -> String {
        // Output goes to files, so a chatty tool can never block on a full pipe.
        try withTemporaryDirectory { directory in
            let outputFile = directory.appendingPathComponent("stdout"), errorFile = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: outputFile)
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ToolFailure(command: ([executable.path] + arguments).joined(separator: " "),
                                  message: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
            }
            return try String(contentsOf: outputFile, encoding: .utf8)
        }
    }

    /// Assembles a `.S` text of `.inst` lines into an object file and returns objdump's listing of it.
    func disassembleRawWords(_ words: [UInt32], in directory: URL) throws -> [ObjdumpLine] {
        var source = ".text\n"
        source.reserveCapacity(words.count * 20)
        for word in words { source += ".inst 0x" + String(word, radix: 16) + "\n" }
        let assembly = directory.appendingPathComponent("words.S")
        let object = directory.appendingPathComponent("words.o")
        try source.write(to: assembly, atomically: true, encoding: .utf8)
        try Self.run(clang, ["--target=aarch64-none-elf", "-c", assembly.path, "-o", object.path])
        return try disassemble(object)
    }

    /// objdump's instruction lines for every executable section of `file`.
    func disassemble(_ file: URL) throws -> [ObjdumpLine] {
        ObjdumpLine.parse(try Self.run(objdump, ["-d", file.path]))
    }

    /// The defined symbols of `file` as llvm-nm lists them (mapping symbols such as `$x` left out).
    func symbols(of file: URL) throws -> [(name: String, address: UInt64)] {
        let nm = objdump.deletingLastPathComponent().appendingPathComponent("llvm-nm")
        return try Self.run(nm, ["--defined-only", file.path]).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let address = UInt64(parts[0], radix: 16), !parts[2].hasPrefix("$") else { return nil }
            return (name: String(parts[2]), address: address)
        }
    }

    /// Runs `body` with a fresh `probebench-a64-tests-…` folder in the temporary directory
    /// (TestSupport's `ScratchDirectory`), removed afterwards whether `body` returns or throws.
    static func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
        try ScratchDirectory.using(purpose: "a64-tests", body)
    }
}

/// A tool that exited with a failure status.
struct ToolFailure: Error, CustomStringConvertible {
    let command: String
    let message: String
    var description: String { "\(command) failed:\n\(message)" }
}

/// One instruction line of `llvm-objdump -d`: address, word and the text after the bytes.
struct ObjdumpLine: Sendable {
    let address: UInt64
    let word: UInt32
    /// The text after the bytes and tab, with any ` <symbol+offset>` annotation kept.
    let text: String
    /// The column the text starts at: 24 for 8-digit addresses, 32 for 16-digit ones.
    let column: Int

    /// objdump's comment column relative to the text: it pads comments to absolute column 56.
    var commentColumn: Int { 56 - column }

    /// The text with the ` <symbol+offset>` annotation objdump adds after a target address removed.
    var textWithoutSymbol: String {
        guard text.hasSuffix(">"), let open = text.range(of: " <", options: .backwards) else { return text }
        // Only an annotation that follows a hex address (`0x1234 <f+0x4>`), never `<unknown>`.
        let before = text[..<open.lowerBound]
        guard let lastOperand = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).last,
              lastOperand.hasPrefix("0x") else { return text }
        return String(before)
    }

    /// Lines of the form `<address>: <8 hex digits> <spaces> TAB <text>`; labels and headers are skipped.
    static func parse(_ listing: String) -> [ObjdumpLine] {
        var lines: [ObjdumpLine] = []
        for line in listing.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let addressText = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !addressText.isEmpty, let address = UInt64(addressText, radix: 16) else { continue }
            let rest = line[line.index(after: colon)...]
            guard let tab = rest.firstIndex(of: "\t") else { continue }
            let bytes = rest[..<tab].trimmingCharacters(in: .whitespaces)
            // An instruction's bytes print as one 32-bit little-endian value, "d503201f".
            guard bytes.count == 8, let word = UInt32(bytes, radix: 16) else { continue }
            // The tab after the bytes advances to the next multiple of 8.
            let prefix = line.distance(from: line.startIndex, to: tab)
            lines.append(ObjdumpLine(address: address, word: word, text: String(rest[rest.index(after: tab)...]),
                                     column: (prefix / 8 + 1) * 8))
        }
        return lines
    }
}
