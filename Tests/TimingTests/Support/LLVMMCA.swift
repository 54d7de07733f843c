import Foundation
import TestSupport

/// The reference: llvm-mca 19's steady-state cycles per iteration for a loop body.
enum LLVMMCA {
    /// llvm-mca 19: `llvm-mca-19` on PATH, else an `llvm-mca` on PATH that is LLVM 19 (another
    /// version would give other numbers than the ones the agreement was checked against), else
    /// `/usr/bin/llvm-mca-19`, where Debian's llvm-19 package puts it.
    static let executable: URL? = locate()

    /// Why the agreement test is skipped when `executable` is nil.
    static let missingReason = "llvm-mca 19 not found (llvm-mca-19 or an LLVM 19 llvm-mca on PATH, or /usr/bin/llvm-mca-19): install llvm-19"

    private static func locate() -> URL? {
        if let versioned = ExecutableSearch.find("llvm-mca-19") { return versioned }
        if let plain = ExecutableSearch.find("llvm-mca"),
           let result = try? Subprocess.run(plain, ["--version"], timeout: 30), result.succeeded,
           String(decoding: result.standardOutput, as: UTF8.self).contains("LLVM version 19.") {
            return plain
        }
        let fallback = URL(fileURLWithPath: "/usr/bin/llvm-mca-19")
        return ExecutableSearch.isExecutable(fallback) ? fallback : nil
    }

    /// Cycles per iteration: the difference of two runs (200 and 100 iterations) over 100, so the
    /// pipeline fill and drain cancel out.
    static func cyclesPerIteration(assembly: String, cpu: String) throws -> Double {
        guard let executable else { throw ToolFailure(description: missingReason) }
        return try ScratchDirectory.using(purpose: "mca") { directory in
            let file = directory.appending(path: "block.s")
            try assembly.write(to: file, atomically: true, encoding: .utf8)
            func totalCycles(_ iterations: Int) throws -> Double {
                let result = try Subprocess.run(executable, ["-mtriple=aarch64", "-mcpu=\(cpu)", "-iterations=\(iterations)", file.path])
                let output = String(decoding: result.standardOutput, as: UTF8.self)
                guard result.succeeded else {
                    throw ToolFailure(description: "\(result.summary):\n\(result.standardError)\(output)")
                }
                guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Total Cycles:") }),
                      let value = Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
                else { throw ToolFailure(description: "llvm-mca printed no total:\n\(output)") }
                return value
            }
            return (try totalCycles(200) - totalCycles(100)) / 100
        }
    }
}
