import Foundation

/// The reference: llvm-mca 19's steady-state cycles per iteration for a loop body.
enum LLVMMCA {
    static let path = "/usr/bin/llvm-mca-19"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Cycles per iteration: the difference of two runs (200 and 100 iterations) over 100, so the
    /// pipeline fill and drain cancel out.
    static func cyclesPerIteration(assembly: String, cpu: String) throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("block.s")
        try assembly.write(to: file, atomically: true, encoding: .utf8)
        func totalCycles(_ iterations: Int) throws -> Double {
            let output = try AssembledProgram.runTool(path, ["-mtriple=aarch64", "-mcpu=\(cpu)", "-iterations=\(iterations)", file.path])
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Total Cycles:") }),
                  let value = Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
            else { throw ToolFailure(description: "llvm-mca printed no total:\n\(output)") }
            return value
        }
        return (try totalCycles(200) - totalCycles(100)) / 100
    }
}
