import DebugInfo
import Foundation

/// The register set and stack bytes printed by the `stack.c` fixture under qemu-aarch64.
struct StackSnapshot: Sendable {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static let magic: UInt64 = 0x5041_4e53_5041_5453  // "STAPSNAP" little-endian

    let registers: AArch64Registers
    let regionBase: UInt64
    let region: [UInt8]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        func word(_ index: Int) -> UInt64 { TestELFFile.read(bytes, index * 8, 8) }
        guard bytes.count >= 37 * 8, word(0) == Self.magic, word(1) == 33 else {
            throw FormatError(description: "the program's output (\(bytes.count) bytes) is not a snapshot")
        }
        regionBase = word(2)
        let length = Int(word(3))
        guard bytes.count == 37 * 8 + length else {
            throw FormatError(description: "snapshot region of \(length) bytes but \(bytes.count - 37 * 8) follow")
        }
        registers = AArch64Registers(x: (0..<31).map { word(4 + $0) }, sp: word(35), pc: word(36))
        region = Array(bytes[(37 * 8)...])
    }

    /// The eight bytes at `address`, or `nil` outside the captured region.
    func readWord(_ address: UInt64) -> UInt64? {
        guard address >= regionBase, address - regionBase <= UInt64(region.count - 8) else { return nil }
        return TestELFFile.read(region, Int(address - regionBase), 8)
    }

    /// Runs the fixture program under qemu-aarch64 and parses what it prints.
    static func capture(program: URL, qemu: URL) throws -> StackSnapshot {
        try StackSnapshot(ProcessRunner.run(qemu, arguments: [program.path]))
    }
}
