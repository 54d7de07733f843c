import A64
import Foundation

extension Toolchain {
    /// llvm-objdump's disassembly of `count` instructions from `address` in the ELF at `elf`, one
    /// line per instruction with our table's row name appended; row names alone without llvm-objdump.
    public func listing(elf: URL, from address: UInt64, words: [UInt32]) -> [String] {
        let rowNames = words.map { word in Decoder.encoding(of: word).map { "\($0)" } ?? "no row" }
        var lines: [String] = []
        if let objdump,
           let result = try? Subprocess.run(objdump, [
               "-d", "--no-print-imm-hex", "--start-address=0x" + String(address, radix: 16),
               "--stop-address=0x" + String(address + UInt64(words.count * 4), radix: 16), elf.path,
           ], timeout: 30), result.succeeded {
            let output = String(decoding: result.standardOutput, as: UTF8.self)
            lines = output.split(separator: "\n").compactMap { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard let colon = trimmed.firstIndex(of: ":"),
                      UInt64(trimmed[..<colon], radix: 16) != nil else { return nil }
                return trimmed.replacingOccurrences(of: "\t", with: " ")
            }
        }
        guard lines.count == words.count else {
            return words.enumerated().map { index, word in
                "\(String(address + UInt64(index * 4), radix: 16)): \(String(word, radix: 16))  [\(rowNames[index])]"
            }
        }
        return zip(lines, rowNames).map { "\($0)    [\($1)]" }
    }
}
