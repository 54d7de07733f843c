import Foundation

/// A deliberately small ELF64 little-endian reader, independent of libdw, so tests can check the
/// DWARF answers against the symbol table and the bytes the compiler put in `.data`.
struct TestELFFile {
    struct Section {
        let name: String
        let type: UInt32
        let address: UInt64
        let fileOffset: UInt64
        let size: UInt64
    }

    struct Symbol {
        let name: String
        let value: UInt64
        let size: UInt64
    }

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    let bytes: [UInt8]
    let sections: [Section]
    let symbols: [Symbol]

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        self.bytes = bytes
        guard bytes.count >= 64, bytes[0...3] == [0x7f, 0x45, 0x4c, 0x46], bytes[4] == 2, bytes[5] == 1 else {
            throw FormatError(description: "\(url.path) is not an ELF64 little-endian file")
        }
        let table = Int(Self.read(bytes, 0x28, 8))
        let entrySize = Int(Self.read(bytes, 0x3a, 2))
        let count = Int(Self.read(bytes, 0x3c, 2))
        let namesIndex = Int(Self.read(bytes, 0x3e, 2))
        let raw = (0..<count).map { index -> (name: UInt32, type: UInt32, address: UInt64, offset: UInt64, size: UInt64, link: UInt32) in
            let base = table + index * entrySize
            return (UInt32(Self.read(bytes, base, 4)), UInt32(Self.read(bytes, base + 4, 4)),
                    Self.read(bytes, base + 16, 8), Self.read(bytes, base + 24, 8), Self.read(bytes, base + 32, 8),
                    UInt32(Self.read(bytes, base + 40, 4)))
        }
        let names = raw[namesIndex]
        sections = raw.map { section in
            Section(name: Self.string(bytes, Int(names.offset) + Int(section.name)), type: section.type,
                    address: section.address, fileOffset: section.offset, size: section.size)
        }
        var symbols: [Symbol] = []
        for section in raw where section.type == 2 /* SHT_SYMTAB */ {
            let strings = raw[Int(section.link)]
            for entry in stride(from: Int(section.offset), to: Int(section.offset + section.size), by: 24) {
                let name = Self.string(bytes, Int(strings.offset) + Int(Self.read(bytes, entry, 4)))
                symbols.append(Symbol(name: name, value: Self.read(bytes, entry + 8, 8), size: Self.read(bytes, entry + 16, 8)))
            }
        }
        self.symbols = symbols
    }

    func symbol(named name: String) throws -> Symbol {
        guard let symbol = symbols.first(where: { $0.name == name }) else {
            throw FormatError(description: "no symbol \(name)")
        }
        return symbol
    }

    /// The initial contents of `count` bytes at a virtual address inside a PROGBITS section.
    func bytes(atAddress address: UInt64, count: Int) throws -> [UInt8] {
        guard let section = sections.first(where: {
            $0.type == 1 /* SHT_PROGBITS */ && $0.address <= address && address + UInt64(count) <= $0.address + $0.size
        }) else {
            throw FormatError(description: "no PROGBITS section holds 0x\(String(address, radix: 16))+\(count)")
        }
        let start = Int(section.fileOffset + (address - section.address))
        return Array(bytes[start..<start + count])
    }

    /// The 64-bit little-endian words at a virtual address.
    func words(atAddress address: UInt64, count: Int) throws -> [UInt64] {
        let raw = try bytes(atAddress: address, count: count * 8)
        return (0..<count).map { Self.read(raw, $0 * 8, 8) }
    }

    static func read(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    private static func string(_ bytes: [UInt8], _ offset: Int) -> String {
        var end = offset
        while end < bytes.count && bytes[end] != 0 { end += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}
