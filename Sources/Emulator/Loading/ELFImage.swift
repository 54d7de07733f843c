/// A parsed AArch64 ELF64 executable: its loadable segments, entry point and symbols.
///
/// Parsing checks everything it relies on — class, byte order, machine, that headers, segments and
/// sections lie inside the file (with no offset arithmetic that could wrap), that names lie inside
/// their string tables, that segments do not overlap, stay within a 48-bit physical address space,
/// need no more memory together than the machine's RAM and cover no device — and reports the
/// first problem with the file's name and the offending field.
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
        switch bytes[4] {
        case 2: break
        case 1: throw ELFError(name, "is a 32-bit ELF file (EI_CLASS 1); AArch64 needs ELF64")
        default: throw ELFError(name, "has ELF class \(bytes[4]) (invalid) in EI_CLASS; AArch64 needs ELF64 (2)")
        }
        switch bytes[5] {
        case 1: break
        case 2: throw ELFError(name, "is big-endian (EI_DATA 2); only little-endian AArch64 is supported")
        default: throw ELFError(name, "has data encoding \(bytes[5]) (invalid) in EI_DATA; only little-endian (1) is supported")
        }
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
        // The whole table first: each header's offset below is then inside the file.
        try reader.require(programHeaderOffset, length: programHeaderCount * programHeaderSize,
                           what: "the program header table (e_phoff 0x\(String(programHeaderOffset, radix: 16)), "
                               + "\(programHeaderCount) × e_phentsize \(programHeaderSize))")
        segments = []
        // The segments' memory sizes so far (each below 2^48, so the sum cannot wrap).
        var loadedBytes: UInt64 = 0
        for index in 0..<programHeaderCount {
            let header = programHeaderOffset + index * programHeaderSize
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
            let range = "0x\(String(address, radix: 16))..<0x\(String(end, radix: 16))"
            loadedBytes += memorySize
            guard loadedBytes <= BoardLayout.segmentBytesLimit else {
                throw ELFError(name, "segment \(index) at \(range) (p_memsz 0x\(String(memorySize, radix: 16))) does not fit in memory: "
                               + "the segments up to it need 0x\(String(loadedBytes, radix: 16)) bytes, more than the machine's "
                               + "0x\(String(BoardLayout.segmentBytesLimit, radix: 16)) (the size of its RAM)")
            }
            if let device = BoardLayout.devices.first(where: { $0.range.overlaps(address..<end) }) {
                throw ELFError(name, "segment \(index) at \(range) covers \(device.name) at "
                               + "0x\(String(device.range.lowerBound, radix: 16))..<0x\(String(device.range.upperBound, radix: 16))")
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
        try reader.require(sectionHeaderOffset, length: sectionHeaderCount * sectionHeaderSize,
                           what: "the section header table (e_shoff 0x\(String(sectionHeaderOffset, radix: 16)), "
                               + "\(sectionHeaderCount) × e_shentsize \(sectionHeaderSize))")
        var raw: [RawSection] = []
        for index in 0..<sectionHeaderCount {
            let header = sectionHeaderOffset + index * sectionHeaderSize
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
        // SHN_UNDEF: no section names; SHN_XINDEX: the index is in section 0's sh_link.
        let namesIndex = sectionNamesIndex == 0xFFFF ? UInt64(raw[0].link) : sectionNamesIndex
        guard namesIndex < raw.count else {
            throw ELFError(name, "is malformed: e_shstrndx names section \(namesIndex), but there are \(raw.count) (e_shnum)")
        }
        let nameTable = raw[Int(namesIndex)]
        if namesIndex != 0 {
            try reader.require(nameTable.offset, length: nameTable.size,
                               what: "the section name table (section \(namesIndex), sh_offset 0x\(String(nameTable.offset, radix: 16)), "
                                   + "sh_size 0x\(String(nameTable.size, radix: 16)))")
        }
        for (index, section) in raw.enumerated() {
            var sectionName = ""
            if namesIndex != 0 {
                guard let found = reader.string(at: UInt64(section.nameOffset), inTableAt: nameTable.offset, size: nameTable.size) else {
                    throw ELFError(name, "is malformed: section \(index)'s sh_name 0x\(String(section.nameOffset, radix: 16)) is not a "
                                   + "string in the section name table (section \(namesIndex), sh_size 0x\(String(nameTable.size, radix: 16)))")
                }
                sectionName = found
            }
            // Every section with contents (neither SHT_NULL nor SHT_NOBITS) lies inside the file.
            if section.type != 0 && section.type != 8 {
                try reader.require(section.offset, length: section.size,
                                   what: "section \(index) (\(sectionName.isEmpty ? "unnamed" : sectionName)) "
                                       + "(sh_offset 0x\(String(section.offset, radix: 16)), sh_size 0x\(String(section.size, radix: 16)))")
            }
            sections.append(Section(name: sectionName, address: section.address, offset: section.offset,
                                    size: section.type == 8 ? 0 : section.size, isAllocated: section.flags & 2 != 0))
        }
        for (index, section) in raw.enumerated() where section.type == 2 { // SHT_SYMTAB
            guard section.entrySize >= 24 else { throw ELFError(name, "symbol table (section \(index)) has sh_entsize \(section.entrySize), fewer than 24") }
            guard Int(section.link) < raw.count else { throw ELFError(name, "symbol table (section \(index)) links to missing string table \(section.link)") }
            let strings = raw[Int(section.link)]
            try reader.require(strings.offset, length: strings.size, what: "symbol string table (section \(section.link))")
            // The table lies inside the file (checked with every section above), so no sum overflows.
            for entry in 1..<max(1, section.size / section.entrySize) {
                let base = section.offset + entry * section.entrySize
                let nameOffset = try reader.u32(at: base, field: "st_name")
                let info = UInt8(try reader.value(at: base + 4, size: 1, field: "st_info"))
                let value = try reader.u64(at: base + 8, field: "st_value")
                let size = try reader.u64(at: base + 16, field: "st_size")
                let type = info & 0xF
                guard type <= 2, nameOffset != 0 else { continue }
                guard let symbolName = reader.string(at: UInt64(nameOffset), inTableAt: strings.offset, size: strings.size) else {
                    throw ELFError(name, "is malformed: symbol \(entry) of the symbol table (section \(index)) has st_name "
                                   + "0x\(String(nameOffset, radix: 16)), not a string in its string table (section \(section.link), "
                                   + "sh_size 0x\(String(strings.size, radix: 16)))")
                }
                guard !symbolName.isEmpty, !symbolName.hasPrefix("$") else { continue }
                symbols.append(Symbol(name: symbolName, address: value, size: size,
                                      kind: type == 2 ? .function : (type == 1 ? .object : .other),
                                      isGlobal: info >> 4 != 0))
            }
        }
    }

    /// The bytes of section `name`, if present and inside the file.
    public func sectionBytes(named sectionName: String, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard let section = sections.first(where: { $0.name == sectionName }) else { return nil }
        let (end, overflow) = section.offset.addingReportingOverflow(section.size)
        guard !overflow, end <= UInt64(bytes.count) else { return nil }
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
            // A sum past 2^64 prints whole (a 65-bit end), not wrapped to a small number.
            let endDigits = String(end, radix: 16)
            let endText = overflow ? "1" + String(repeating: "0", count: 16 - endDigits.count) + endDigits : endDigits
            throw ELFError(name, "is truncated: \(what) needs bytes 0x\(String(offset, radix: 16))..<0x\(endText) of a \(bytes.count)-byte file")
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

    /// The NUL-terminated string at `offset` in the string table of `size` bytes at `table` (which
    /// `require` has checked); nil if it starts outside the table or runs past its end.
    func string(at offset: UInt64, inTableAt table: UInt64, size: UInt64) -> String? {
        guard offset < size else { return nil }
        let start = Int(table + offset), limit = Int(table + size)
        guard let end = bytes[start..<limit].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
