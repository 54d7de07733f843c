import DebugInfo
import Foundation
import Testing

/// Damaged DWARF and CFI must end in an error or a partial answer, never a crash or a hang.
@Suite(.enabled(if: TestEnvironment.canReadFixtures, "needs libdw.so.1 and the toolchain's clang + ld.lld"))
struct DamagedInputTests {
    /// A small deterministic generator (SplitMix64), so a failure can be reproduced.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// Copies of `original` with a few random bytes of the named sections overwritten.
    private func damagedCopies(of url: URL, sections: (String) -> Bool, count: Int, seed: UInt64) throws -> [URL] {
        let elf = try TestELFFile(contentsOf: url)
        let targets = elf.sections.filter { sections($0.name) && $0.size > 0 }
        try #require(!targets.isEmpty)
        var generator = SplitMix64(state: seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("probebench-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            var bytes = elf.bytes
            let section = targets[index % targets.count]
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let offset = Int(section.fileOffset) + Int.random(in: 0..<Int(section.size), using: &generator)
                bytes[offset] = UInt8.random(in: 0...255, using: &generator)
            }
            let copy = directory.appendingPathComponent("damaged-\(index).elf")
            try Data(bytes).write(to: copy)
            return copy
        }
    }

    @Test func damagedDebugInfoIsReportedOrTolerated() throws {
        let copies = try damagedCopies(
            of: FixturePrograms.typesDWARF5.get(), sections: { $0.hasPrefix(".debug_") }, count: 120, seed: 0x5eed)
        defer { try? FileManager.default.removeItem(at: copies[0].deletingLastPathComponent()) }
        var refused = 0
        for copy in copies {
            do {
                let program = try DWARFProgram(elfPath: copy.path)
                for type in program.allTypes {
                    _ = program.name(of: type.id)
                    _ = program.byteSize(of: type.id)
                }
                if let packet = try? program.typeID(named: "struct packet") {
                    _ = try? program.member(named: "deep_value", in: packet)
                }
            } catch let error as DebugInfoError {
                refused += 1
                #expect(error.description.contains(copy.path), "\(error)")
            }
        }
        // Some damage must be noticed, or the corruption did not reach the DWARF.
        #expect(refused > 0)
    }

    @Test(.enabled(if: TestEnvironment.qemuAvailable, "needs qemu-aarch64 to capture a stack"))
    func damagedCFIEndsWalksWithoutCrashing() throws {
        let program = try FixturePrograms.stackSnapshotProgram.get()
        let snapshot = try StackSnapshot.capture(program: program, qemu: try #require(TestEnvironment.qemu))
        let copies = try damagedCopies(
            of: program, sections: { $0.hasPrefix(".eh_frame") || $0 == ".debug_frame" }, count: 60, seed: 0xcf1)
        defer { try? FileManager.default.removeItem(at: copies[0].deletingLastPathComponent()) }
        for copy in copies {
            guard let unwinder = try? DWARFUnwinder(elfPath: copy.path) else { continue }
            let walk = unwinder.walk(registers: snapshot.registers, maxFrames: 64, readMemory: snapshot.readWord)
            #expect(walk.frames.count <= 64)
        }
    }

    @Test func garbageRegistersAndMemoryEndWithinTheFrameLimit() throws {
        let program = try FixturePrograms.stackSnapshotProgram.get()
        let unwinder = try DWARFUnwinder(elfPath: program.path)
        var generator = SplitMix64(state: 42)
        for _ in 0..<300 {
            let registers = AArch64Registers(
                x: (0..<31).map { _ in generator.next() }, sp: generator.next(), pc: 0x21_0000 + (generator.next() % 0x600))
            let walk = unwinder.walk(registers: registers, maxFrames: 32) { address in
                address % 3 == 0 ? nil : address &* 0x9e37_79b9_7f4a_7c15
            }
            #expect((1...32).contains(walk.frames.count))
        }
    }
}
