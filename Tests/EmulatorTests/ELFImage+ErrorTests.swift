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
}
