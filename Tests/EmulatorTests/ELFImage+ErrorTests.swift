import Emulator
import Foundation
import TestSupport
import Testing

/// The ELF loader rejects files it cannot load with an `ELFError` that names the file and the problem.
@Suite("ELF loading errors")
struct ELFImageErrorTests {
    static let name = "guest-under-test.elf"
    /// `mov x0, #42; hlt #1`.
    static let code: [UInt8] = [0x40, 0x05, 0x80, 0xD2, 0x20, 0x00, 0x40, 0xD4]

    static func valid() -> ELFBuilder {
        ELFBuilder(entry: 0x4008_0000, segments: [
            .init(address: 0x4008_0000, bytes: code),
            .init(address: 0x4009_0000, bytes: [1, 2, 3, 4], memorySize: 0x1000, flags: 6),
        ])
    }

    /// The error parsing `bytes` throws, recording an issue if it parses.
    func error(parsing bytes: [UInt8]) -> ELFError? {
        do {
            _ = try ELFImage(bytes: bytes, name: Self.name)
            Issue.record("the loader accepted a file it must reject")
            return nil
        } catch {
            return error
        }
    }

    /// Checks that the error names the file and contains every one of `phrases`.
    func expect(_ error: ELFError?, mentions phrases: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else { return }
        #expect(error.file == Self.name, "the error names \(error.file)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix(Self.name), "the description must start with the file: \(error)", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(error.problem.contains(phrase), "the problem should mention '\(phrase)': \(error.problem)", sourceLocation: sourceLocation)
        }
    }

    @Test("the builder's valid image loads, with its segments, and runs")
    func validImageLoads() throws {
        let image = try ELFImage(bytes: Self.valid().bytes, name: Self.name)
        #expect(image.entry == 0x4008_0000)
        #expect(image.segments.map(\.address) == [0x4008_0000, 0x4009_0000])
        #expect(image.segments.map(\.memorySize) == [8, 0x1000])
        #expect(image.segments.map(\.isExecutable) == [true, false])
        let machine = Machine(image: image)
        #expect(machine.run(instructionLimit: 10) == .halted(immediate: 1, pc: 0x4008_0004))
        #expect(machine[x: 0] == 42)
        #expect(machine.memory.readBytes(at: 0x4009_0000, count: 6) == [1, 2, 3, 4, 0, 0], "past p_filesz the segment is zero-filled")
    }

    @Test("a file shorter than an ELF header is truncated")
    func truncatedHeader() {
        expect(error(parsing: Array(Self.valid().bytes.prefix(40))), mentions: ["40 bytes", "shorter than an ELF64 header"])
    }

    @Test("a file that ends inside a segment's contents is truncated, naming the segment")
    func truncatedSegment() {
        expect(error(parsing: Array(Self.valid().bytes.dropLast(2))), mentions: ["truncated", "segment 1"])
    }

    @Test("a file without the ELF magic is not an ELF file")
    func notELF() {
        var bytes = Self.valid().bytes
        bytes[1] = 0x45 + 1
        expect(error(parsing: bytes), mentions: ["not an ELF file"])
    }

    @Test("an x86-64 file is for the wrong machine")
    func wrongMachine() {
        var builder = Self.valid()
        builder.machine = 62
        expect(error(parsing: builder.bytes), mentions: ["machine 62", "not AArch64"])
    }

    @Test("a 32-bit ELF file is rejected")
    func thirtyTwoBit() {
        var builder = Self.valid()
        builder.fileClass = 1
        expect(error(parsing: builder.bytes), mentions: ["32-bit"])
    }

    @Test("an invalid EI_CLASS or EI_DATA is called invalid, not 32-bit or big-endian", arguments: [UInt8(0), 3, 0xFF])
    func invalidClassOrEncoding(value: UInt8) {
        var builder = Self.valid()
        builder.fileClass = value
        expect(error(parsing: builder.bytes), mentions: ["ELF class \(value) (invalid)", "EI_CLASS"])
        #expect(error(parsing: builder.bytes)?.problem.contains("32-bit") == false)
        builder = Self.valid()
        builder.byteOrder = value
        expect(error(parsing: builder.bytes), mentions: ["data encoding \(value) (invalid)", "EI_DATA"])
        #expect(error(parsing: builder.bytes)?.problem.contains("big-endian") == false)
    }

    @Test("a range whose end passes 2^64 prints its true end, not a wrapped one")
    func wrappedRangePrintsWhole() {
        var bytes = Self.valid().bytes
        for index in 0..<8 { bytes[32 + index] = 0xFF } // e_phoff = 2^64 - 1
        expect(error(parsing: bytes), mentions: ["truncated", "e_phoff 0xffffffffffffffff",
                                                 "bytes 0xffffffffffffffff..<0x1000000000000006f"])
        for index in 0..<8 { bytes[32 + index] = index == 0 ? 0xF0 : 0xFF } // 2^64 - 16: the end is 0x10000000000000060
        expect(error(parsing: bytes), mentions: ["bytes 0xfffffffffffffff0..<0x10000000000000060"])
    }

    @Test("a big-endian file is rejected")
    func bigEndian() {
        var builder = Self.valid()
        builder.byteOrder = 2
        expect(error(parsing: builder.bytes), mentions: ["big-endian"])
    }

    @Test("overlapping segments are rejected, naming both")
    func overlappingSegments() {
        var builder = Self.valid()
        builder.segments[1].address = 0x4008_0004
        expect(error(parsing: builder.bytes), mentions: ["segment 1", "40080004", "overlaps", "40080000"])
    }

    @Test("a segment that ends beyond the 48-bit physical address space is rejected")
    func beyondFortyEightBits() {
        var builder = Self.valid()
        builder.segments[1].address = (1 << 48) - 0x800
        expect(error(parsing: builder.bytes), mentions: ["segment 1", "48-bit"])
        builder.segments[1].address = .max - 0x10
        expect(error(parsing: builder.bytes), mentions: ["segment 1", "48-bit"])
    }

    @Test("a segment bigger than the machine's RAM is rejected, naming the segment, its range and the limit",
          arguments: [(UInt64(0x1_0000_0000), "0x40090000..<0x140090000"), (0xFF00_0000_0000, "0x40090000..<0xff0040090000")])
    func segmentBiggerThanRAM(memorySize: UInt64, range: String) {
        var builder = Self.valid()
        builder.segments[1].memorySize = memorySize
        expect(error(parsing: builder.bytes), mentions: ["segment 1", range, "does not fit in memory", "0x40000000"])
    }

    @Test("segments that together need more than the machine's RAM are rejected at the first that does not fit")
    func segmentsTogetherBiggerThanRAM() throws {
        var builder = Self.valid()
        builder.segments[1].memorySize = 0x4000_0000 - 8
        let fits = try ELFImage(bytes: builder.bytes, name: Self.name)
        #expect(fits.segments.map(\.memorySize).reduce(0, +) == 0x4000_0000, "exactly the size of RAM fits")
        builder.segments.append(.init(address: 0x1000_0000, bytes: [0]))
        expect(error(parsing: builder.bytes), mentions: ["segment 2", "0x10000000..<0x10000001", "0x40000001 bytes", "0x40000000"])
    }

    @Test("a segment over the GIC is rejected, naming the device")
    func segmentOverTheGIC() {
        var builder = Self.valid()
        builder.segments[1].address = 0x0801_F800
        expect(error(parsing: builder.bytes), mentions: ["segment 1", "0x801f800..<0x8020800", "GIC CPU interface", "0x8010000..<0x8020000"])
    }

    @Test("a file with no loadable segment is rejected")
    func noSegments() {
        var builder = Self.valid()
        builder.segments = []
        expect(error(parsing: builder.bytes), mentions: ["no loadable"])
    }

    @Test("a file that cannot be read is named in the error")
    func unreadableFile() {
        let url = URL(fileURLWithPath: "/nonexistent/probebench/guest.elf")
        do {
            _ = try ELFImage(contentsOf: url)
            Issue.record("reading a nonexistent file succeeded")
        } catch {
            #expect(error.file == url.path)
            #expect(error.problem.contains("cannot be read"), "\(error)")
        }
    }

    @Test("a directory or a FIFO is named as what it is, not read")
    func notARegularFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probebench-elf-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let link = folder.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: fifo)
        for (url, kind) in [(folder, "a directory"), (fifo, "a FIFO"), (link, "a FIFO")] {
            do {
                _ = try ELFImage(contentsOf: url)
                Issue.record("reading \(kind) succeeded")
            } catch {
                #expect(error.problem.contains("it is \(kind)"), "\(error)")
            }
        }
    }

    // MARK: Header fields from a real linked image

    /// A small linked program with section headers, a symbol table and its string tables.
    static let linked: Result<[UInt8], Error> = Result {
        guard let assembler = try GuestAssembler.makeDefault(purpose: "unit") else {
            throw AssemblyError(description: Toolchain.missingReason)
        }
        // Read while the assembler (and so its scratch directory) exists.
        let program = try assembler.build(assembly: """
                .text
                .globl  _start
            _start:
                bl      helper
                hlt     #1
            helper:
                ret
            """, named: "elfFields", target: .bareMetal)
        return [UInt8](try Data(contentsOf: program.url))
    }

    /// Where the header fields of `bytes` are: (description, offset, width) for every field the
    /// reader takes an offset, size, count or index from.
    static func offsetFields(of bytes: [UInt8]) -> [(String, Int, Int)] {
        func read(_ offset: Int, _ width: Int) -> Int {
            (0..<width).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
        }
        var fields: [(String, Int, Int)] = [
            ("e_phoff", 32, 8), ("e_shoff", 40, 8), ("e_phentsize", 54, 2), ("e_phnum", 56, 2),
            ("e_shentsize", 58, 2), ("e_shnum", 60, 2), ("e_shstrndx", 62, 2),
        ]
        let programHeaders = read(32, 8), programHeaderCount = read(56, 2)
        for index in 0..<programHeaderCount {
            let header = programHeaders + index * 56
            fields += [("p_offset", 8, 8), ("p_vaddr", 16, 8), ("p_filesz", 32, 8), ("p_memsz", 40, 8)]
                .map { ("program header \(index) \($0.0)", header + $0.1, $0.2) }
        }
        let sectionHeaders = read(40, 8), sectionCount = read(60, 2)
        for index in 0..<sectionCount {
            let header = sectionHeaders + index * 64
            fields += [("sh_name", 0, 4), ("sh_offset", 24, 8), ("sh_size", 32, 8), ("sh_link", 40, 4), ("sh_entsize", 56, 8)]
                .map { ("section header \(index) \($0.0)", header + $0.1, $0.2) }
            if read(header + 4, 4) == 2 { // the symbol table: every entry's st_name
                let table = read(header + 24, 8), entrySize = read(header + 56, 8)
                for entry in 1..<read(header + 32, 8) / entrySize {
                    fields.append(("symbol \(entry) st_name", table + entry * entrySize, 4))
                }
            }
        }
        return fields
    }

    /// `bytes` with the `width`-byte field at `offset` set to `value` (truncated to the width).
    static func setting(_ bytes: [UInt8], _ offset: Int, width: Int, to value: UInt64) -> [UInt8] {
        var copy = bytes
        for index in 0..<width { copy[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
        return copy
    }

    @Test("every offset, size, count and index field set to an extreme value gives an error or a valid image, never a crash",
          .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
    func extremeFieldValues() throws {
        let bytes = try Self.linked.get()
        let values: [UInt64] = [.max, .max - 15, 1 << 63, 1 << 32, UInt64(bytes.count), UInt64(bytes.count) - 1, 0x7FFF_FFFF]
        var rejected = 0
        for (field, offset, width) in Self.offsetFields(of: bytes) {
            for value in values {
                // A crash here ends the test process: the test fails by not finishing.
                do {
                    _ = try ELFImage(bytes: Self.setting(bytes, offset, width: width, to: value), name: Self.name)
                } catch {
                    rejected += 1
                    #expect(error.problem.contains("truncated") || error.problem.contains("malformed")
                                || error.problem.contains("fewer than") || error.problem.contains("segment")
                                || error.problem.contains("missing") || error.problem.contains("no loadable"),
                            "\(field) = 0x\(String(value, radix: 16)): \(error)")
                }
            }
        }
        #expect(rejected > 0)
    }

    @Test("a section name table beyond the file is truncated, naming the table and its field",
          .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"),
          arguments: [("sh_offset", 24), ("sh_size", 32)])
    func sectionNameTableBeyondTheFile(field: String, at fieldOffset: Int) throws {
        let bytes = try Self.linked.get()
        let names = Int(bytes[62]) | Int(bytes[63]) << 8
        let header = Int((0..<8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[40 + $1]) }) + names * 64
        let broken = Self.setting(bytes, header + fieldOffset, width: 8, to: .max)
        expect(error(parsing: broken), mentions: ["truncated", "section name table", "section \(names)", "\(field) 0xffffffffffffffff"])
    }

    @Test("a section name or symbol name outside its string table is malformed, naming the field",
          .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
    func namesOutsideTheirStringTables() throws {
        let bytes = try Self.linked.get()
        let fields = Self.offsetFields(of: bytes)
        let sectionName = try #require(fields.first { $0.0 == "section header 1 sh_name" })
        expect(error(parsing: Self.setting(bytes, sectionName.1, width: 4, to: 0xFFFF_FF00)),
               mentions: ["malformed", "section 1's sh_name 0xffffff00", "section name table"])
        let symbolName = try #require(fields.first { $0.0 == "symbol 1 st_name" })
        expect(error(parsing: Self.setting(bytes, symbolName.1, width: 4, to: 0xFFFF_FF00)),
               mentions: ["malformed", "symbol 1", "st_name 0xffffff00", "string table"])
        expect(error(parsing: Self.setting(bytes, 62, width: 2, to: 0x1234)), mentions: ["malformed", "e_shstrndx", "4660"])
    }

    @Test("the bytes of a section whose offset plus size wraps past 2^64 are missing, not a crash",
          .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
    func sectionBytesThatWrap() throws {
        let bytes = try Self.linked.get()
        var image = try ELFImage(bytes: bytes, name: Self.name)
        let index = try #require(image.sections.firstIndex { $0.name == ".text" })
        #expect(image.sectionBytes(named: ".text", in: bytes)?.count == 12)
        image.sections[index].offset = .max - 3
        #expect(image.sectionBytes(named: ".text", in: bytes) == nil)
    }
}
