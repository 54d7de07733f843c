/// A parsed AArch64 ELF64 executable: its loadable segments, entry point and symbols.
///
/// Parsing checks everything it relies on — class, byte order, machine, that headers and segments
/// lie inside the file, that segments do not overlap and stay within a 48-bit physical address
/// space — and reports the first problem with the file's name and the offending field.
public struct ELFImage: Sendable {
    /// A PT_LOAD segment.
    public struct Segment: Sendable, Equatable {
        public var address: UInt64
        public var fileBytes: [UInt8]
        public var memorySize: UInt64
        public var isExecutable: Bool
        public var isWritable: Bool

        public var range: Range<UInt64> { address..<address + memorySize }
    }

    /// A symbol from `.symtab`.
    public struct Symbol: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case function, object, other }
        public var name: String
        public var address: UInt64
        public var size: UInt64
        public var kind: Kind
        public var isGlobal: Bool
    }

    /// A section header (name, address, file bytes) for readers that need more than segments.
    public struct Section: Sendable, Equatable {
        public var name: String
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        public var isAllocated: Bool
    }

    public var name: String
    public var entry: UInt64
    public var segments: [Segment]
    public var symbols: [Symbol]
    public var sections: [Section]

    /// The highest physical address the machine can hold (48 bits).
    public static let addressLimit: UInt64 = 1 << 48

    static let machineAArch64: UInt16 = 183

    public init(bytes: [UInt8], name: String) throws(ELFError) {
        self.name = name
        let reader = ByteReader(bytes: bytes, name: name)
        guard bytes.count >= 64 else { throw ELFError(name, "is \(bytes.count) bytes long, shorter than an ELF64 header (64)") }
        guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw ELFError(name, "is not an ELF file (no \\x7fELF magic)")
        }
        guard bytes[4] == 2 else { throw ELFError(name, "is a 32-bit ELF file (EI_CLASS \(bytes[4])); AArch64 needs ELF64") }
        guard bytes[5] == 1 else { throw ELFError(name, "is big-endian (EI_DATA \(bytes[5])); only little-endian AArch64 is supported") }
        let machine = try reader.u16(at: 18, field: "e_machine")
        guard machine == Self.machineAArch64 else {
            throw ELFError(name, "is for machine \(machine) (e_machine), not AArch64 (183)")
        }
        entry = try reader.u64(at: 24, field: "e_entry")
        let programHeaderOffset = try reader.u64(at: 32, field: "e_phoff")
        let sectionHeaderOffset = try reader.u64(at: 40, field: "e_shoff")
        let programHeaderSize = UInt64(try reader.u16(at: 54, field: "e_phentsize"))
        let programHeaderCount = UInt64(try reader.u16(at: 56, field: "e_phnum"))
        let sectionHeaderSize = UInt64(try reader.u16(at: 58, field: "e_shentsize"))
        let sectionHeaderCount = UInt64(try reader.u16(at: 60, field: "e_shnum"))
        let sectionNamesIndex = UInt64(try reader.u16(at: 62, field: "e_shstrndx"))

        guard programHeaderCount == 0 || programHeaderSize >= 56 else {
            throw ELFError(name, "has program headers of \(programHeaderSize) bytes (e_phentsize), fewer than 56")
        }
        segments = []
        for index in 0..<programHeaderCount {
            let header = programHeaderOffset + index * programHeaderSize
            try reader.require(header, length: 56, what: "program header \(index)")
            guard try reader.u32(at: header, field: "p_type") == 1 else { continue } // PT_LOAD
            let flags = try reader.u32(at: header + 4, field: "p_flags")
            let offset = try reader.u64(at: header + 8, field: "p_offset")
            let address = try reader.u64(at: header + 16, field: "p_vaddr")
            let fileSize = try reader.u64(at: header + 32, field: "p_filesz")
            let memorySize = try reader.u64(at: header + 40, field: "p_memsz")
            guard fileSize <= memorySize else {
                throw ELFError(name, "segment \(index) has p_filesz 0x\(String(fileSize, radix: 16)) larger than p_memsz 0x\(String(memorySize, radix: 16))")
            }
            let (end, overflow) = address.addingReportingOverflow(memorySize)
            guard !overflow, end <= Self.addressLimit else {
                throw ELFError(name, "segment \(index) at 0x\(String(address, radix: 16)) (size 0x\(String(memorySize, radix: 16))) lies beyond the 48-bit physical address space")
            }
            try reader.require(offset, length: fileSize, what: "segment \(index) contents (p_offset 0x\(String(offset, radix: 16)), p_filesz 0x\(String(fileSize, radix: 16)))")
            let segment = Segment(address: address, fileBytes: Array(bytes[Int(offset)..<Int(offset + fileSize)]),
                                  memorySize: memorySize, isExecutable: flags & 1 != 0, isWritable: flags & 2 != 0)
            if let clash = segments.firstIndex(where: { $0.range.overlaps(segment.range) }) {
                throw ELFError(name, "segment \(index) at 0x\(String(address, radix: 16)) overlaps segment at 0x\(String(segments[clash].address, radix: 16))")
            }
            segments.append(segment)
        }
        guard !segments.isEmpty else { throw ELFError(name, "has no loadable (PT_LOAD) segments") }

        sections = []
        symbols = []
        guard sectionHeaderCount > 0 else { return }
        guard sectionHeaderSize >= 64 else {
            throw ELFError(name, "has section headers of \(sectionHeaderSize) bytes (e_shentsize), fewer than 64")
        }
        struct RawSection { var nameOffset: UInt32; var type: UInt32; var flags: UInt64; var address: UInt64; var offset: UInt64; var size: UInt64; var link: UInt32; var entrySize: UInt64 }
        var raw: [RawSection] = []
        for index in 0..<sectionHeaderCount {
            let header = sectionHeaderOffset + index * sectionHeaderSize
            try reader.require(header, length: 64, what: "section header \(index)")
            raw.append(RawSection(
                nameOffset: try reader.u32(at: header, field: "sh_name"),
                type: try reader.u32(at: header + 4, field: "sh_type"),
                flags: try reader.u64(at: header + 8, field: "sh_flags"),
                address: try reader.u64(at: header + 16, field: "sh_addr"),
                offset: try reader.u64(at: header + 24, field: "sh_offset"),
                size: try reader.u64(at: header + 32, field: "sh_size"),
                link: try reader.u32(at: header + 40, field: "sh_link"),
                entrySize: try reader.u64(at: header + 56, field: "sh_entsize")))
        }
        let nameTable = sectionNamesIndex < raw.count ? raw[Int(sectionNamesIndex)] : nil
        for section in raw {
            let sectionName = nameTable.flatMap { reader.string(at: $0.offset + UInt64(section.nameOffset), limit: $0.offset + $0.size) } ?? ""
            sections.append(Section(name: sectionName, address: section.address, offset: section.offset,
                                    size: section.type == 8 ? 0 : section.size, isAllocated: section.flags & 2 != 0))
        }
        for (index, section) in raw.enumerated() where section.type == 2 { // SHT_SYMTAB
            guard section.entrySize >= 24 else { throw ELFError(name, "symbol table (section \(index)) has sh_entsize \(section.entrySize), fewer than 24") }
            try reader.require(section.offset, length: section.size, what: "symbol table (section \(index))")
            guard Int(section.link) < raw.count else { throw ELFError(name, "symbol table (section \(index)) links to missing string table \(section.link)") }
            let strings = raw[Int(section.link)]
            try reader.require(strings.offset, length: strings.size, what: "symbol string table (section \(section.link))")
            for entry in 1..<max(1, section.size / section.entrySize) {
                let base = section.offset + entry * section.entrySize
                let nameOffset = try reader.u32(at: base, field: "st_name")
                let info = bytes[Int(base + 4)]
                let value = try reader.u64(at: base + 8, field: "st_value")
                let size = try reader.u64(at: base + 16, field: "st_size")
                let type = info & 0xF
                guard type <= 2, nameOffset != 0,
                      let symbolName = reader.string(at: strings.offset + UInt64(nameOffset), limit: strings.offset + strings.size),
                      !symbolName.isEmpty, !symbolName.hasPrefix("$") else { continue }
                symbols.append(Symbol(name: symbolName, address: value, size: size,
                                      kind: type == 2 ? .function : (type == 1 ? .object : .other),
                                      isGlobal: info >> 4 != 0))
            }
        }
    }

    /// The bytes of section `name`, if present and inside the file.
    public func sectionBytes(named sectionName: String, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard let section = sections.first(where: { $0.name == sectionName }),
              section.offset + section.size <= UInt64(bytes.count) else { return nil }
        return bytes[Int(section.offset)..<Int(section.offset + section.size)]
    }
}

/// A problem with an ELF file: which file and what is wrong.
public struct ELFError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(_ file: String, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file) \(problem)" }
}

/// Bounds-checked little-endian reads from a file's bytes.
private struct ByteReader {
    let bytes: [UInt8]
    let name: String

    func require(_ offset: UInt64, length: UInt64, what: String) throws(ELFError) {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= UInt64(bytes.count) else {
            throw ELFError(name, "is truncated: \(what) needs bytes 0x\(String(offset, radix: 16))..<0x\(String(end, radix: 16)) of a \(bytes.count)-byte file")
        }
    }

    func value(at offset: UInt64, size: Int, field: String) throws(ELFError) -> UInt64 {
        try require(offset, length: UInt64(size), what: field)
        var result: UInt64 = 0
        for index in (0..<size).reversed() { result = result << 8 | UInt64(bytes[Int(offset) + index]) }
        return result
    }

    func u16(at offset: UInt64, field: String) throws(ELFError) -> UInt16 { UInt16(try value(at: offset, size: 2, field: field)) }
    func u32(at offset: UInt64, field: String) throws(ELFError) -> UInt32 { UInt32(try value(at: offset, size: 4, field: field)) }
    func u64(at offset: UInt64, field: String) throws(ELFError) -> UInt64 { try value(at: offset, size: 8, field: field) }

    /// A NUL-terminated string starting at `offset` and ending before `limit`.
    func string(at offset: UInt64, limit: UInt64) -> String? {
        guard offset < limit, limit <= UInt64(bytes.count) else { return nil }
        var end = Int(offset)
        while end < Int(limit) && bytes[end] != 0 { end += 1 }
        guard end < Int(limit) else { return nil }
        return String(decoding: bytes[Int(offset)..<end], as: UTF8.self)
    }
}
