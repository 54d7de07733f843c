import Emulator
import Foundation

/// A test program written in AArch64 assembly, assembled and linked with the Swift toolchain's
/// clang and ld.lld into a freestanding ELF at the guest's text address.
struct AssembledProgram {
    static let clang = "/opt/swift/usr/bin/clang"
    static let linker = "/opt/swift/usr/bin/ld.lld"
    static let textAddress: UInt64 = 0x4008_0000

    let image: ELFImage

    /// Whether the toolchain needed to assemble programs is present.
    static var toolchainAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: clang) && FileManager.default.isExecutableFile(atPath: linker)
    }

    /// Assembles `source` (which must define `_start`) and links it at `textAddress`.
    init(_ source: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("timing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let assembly = directory.appendingPathComponent("program.s")
        let object = directory.appendingPathComponent("program.o")
        let executable = directory.appendingPathComponent("program.elf")
        try source.write(to: assembly, atomically: true, encoding: .utf8)
        try Self.runTool(Self.clang, ["--target=aarch64-none-elf", "-c", assembly.path, "-o", object.path])
        try Self.runTool(Self.linker, ["-Ttext=0x\(String(Self.textAddress, radix: 16))", "-e", "_start",
                                       object.path, "-o", executable.path])
        image = try ELFImage(bytes: [UInt8](Data(contentsOf: executable)), name: executable.path)
    }

    /// The address of symbol `name`.
    func address(of name: String) -> UInt64? {
        image.symbols.first { $0.name == name }?.address
    }

    @discardableResult
    static func runTool(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(path) \(arguments.joined(separator: " ")) failed:\n\(text)")
        }
        return text
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}
