import DebugInfo
import Foundation
import Testing

/// The libdw unwinder over a real AArch64 stack: `stack.c` run under qemu-aarch64 prints its
/// registers and stack at the deepest point of a five-call chain, mid-prologue in a leaf.
@Suite(.enabled(if: TestEnvironment.canUnwindQemuSnapshot, "needs libdw.so.1, clang + ld.lld and qemu-aarch64"))
struct UnwinderTests {
    static let expectedChain = ["snapshot_leaf", "level4", "level3", "level2", "level1", "c_main", "_start"]

    let elfURL: URL
    let snapshot: StackSnapshot
    let elf: TestELFFile

    init() throws {
        elfURL = try FixturePrograms.stackSnapshotProgram.get()
        snapshot = try StackSnapshot.capture(program: elfURL, qemu: try #require(TestEnvironment.qemu))
        elf = try TestELFFile(contentsOf: elfURL)
    }

    @Test("mid-prologue leaf: the whole chain down to _start, then a normal end")
    func walksMidPrologueSnapshot() throws {
        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let walk = unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord)
        #expect(walk.symbols == Self.expectedChain.map(Optional.some))
        #expect(walk.end == .completed)

        let leaf = try elf.symbol(named: "snapshot_leaf")
        let first = try #require(walk.frames.first)
        #expect(first.isActivation)
        #expect(first.pc == snapshot.registers.pc)
        #expect(first.symbolOffset == 4, "the snapshot point is after the leaf's first instruction")
        #expect(first.pc == leaf.value + 4)
        #expect(walk.frames.dropFirst().allSatisfy { !$0.isActivation })
        #expect(walk.frames.allSatisfy { $0.isCoveredByCFI })
        // x30 still holds level4's return address: the second frame must be exactly that.
        #expect(walk.frames[1].pc == snapshot.registers.x[30])
        // Every return address lies just after a call inside the function it is attributed to.
        for frame in walk.frames.dropFirst() {
            let symbol = try elf.symbol(named: try #require(frame.symbol))
            #expect(frame.pc > symbol.value && frame.pc <= symbol.value + symbol.size, "\(frame)")
            #expect(frame.symbolOffset == frame.pc - symbol.value)
        }
    }

    @Test("leaf at its first instruction: the return address is only in x30")
    func walksLeafEntrySnapshot() throws {
        // Undo the leaf's `stp x29, x30, [sp, #-16]!`: the state just before it executed.
        let sp = snapshot.registers.sp
        var x = snapshot.registers.x
        x[29] = try #require(snapshot.readWord(sp))
        x[30] = try #require(snapshot.readWord(sp + 8))
        let entry = AArch64Registers(x: x, sp: sp + 16, pc: try elf.symbol(named: "snapshot_leaf").value)

        let walk = try DWARFUnwinder(elfPath: elfURL.path).walk(registers: entry, readMemory: snapshot.readWord)
        #expect(walk.symbols == Self.expectedChain.map(Optional.some))
        #expect(walk.frames.first?.symbolOffset == 0)
        #expect(walk.end == .completed)

        // A register set without x30 (given: everything else): the caller is only in x30, so the
        // walk ends after the leaf instead of taking a made-up return address (libdw takes an
        // undefined return address for the outermost frame).
        let withoutLR = AArch64Registers(x: x, sp: sp + 16, pc: entry.pc, given: ~UInt32(1 << 30))
        let partial = try DWARFUnwinder(elfPath: elfURL.path).walk(registers: withoutLR, readMemory: snapshot.readWord)
        #expect(partial.symbols == ["snapshot_leaf"])
        // Registers the CFI does not need may be left out without changing the walk.
        let argumentsOnly = AArch64Registers(x: x, sp: sp + 16, pc: entry.pc, given: 1 << 31 | 1 << 30 | 1 << 29 | 0x1FF)
        let sparse = try DWARFUnwinder(elfPath: elfURL.path).walk(registers: argumentsOnly, readMemory: snapshot.readWord)
        #expect(sparse.symbols == Self.expectedChain.map(Optional.some))
    }

    @Test("the DWARF reader attributes every frame to the same function as the symbol table")
    func framesAgreeWithDWARFFunctions() throws {
        let program = try DWARFProgram(elfPath: elfURL.path)
        let walk = try DWARFUnwinder(elfPath: elfURL.path).walk(registers: snapshot.registers, readMemory: snapshot.readWord)
        for frame in walk.frames where frame.symbol != "_start" && frame.symbol != "snapshot_leaf" {
            // _start and snapshot_leaf are assembly without DWARF subprograms.
            #expect(try program.function(containing: frame.pc - 1).name == frame.symbol)
        }
        let leaf = try program.function(named: "level4")
        #expect(leaf.parameters.map(\.name) == ["v"])
    }

    @Test("memory outside the snapshot ends the walk with a message naming the address")
    func missingMemoryEndsWalkWithMessage() throws {
        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let walk = unwinder.walk(registers: snapshot.registers) { _ in nil }
        #expect(walk.frames.count == 1)
        guard case .failed(let message) = walk.end else {
            Issue.record("walk ended \(walk.end)")
            return
        }
        // The mid-prologue leaf's caller's frame record is at sp (CFA - 16).
        #expect(message.contains("0x\(String(snapshot.registers.sp, radix: 16))"), "\(message)")
        #expect(message.contains("outside the snapshot"))

        // The same unwinder still walks correctly afterwards.
        #expect(unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord).end == .completed)
    }

    @Test func frameLimitStopsTheWalk() throws {
        let walk = try DWARFUnwinder(elfPath: elfURL.path)
            .walk(registers: snapshot.registers, maxFrames: 3, readMemory: snapshot.readWord)
        #expect(walk.symbols == Self.expectedChain.prefix(3).map(Optional.some))
        #expect(walk.end == .frameLimitReached(3))
    }

    @Test("a PC outside the image has no symbol and no CFI; libdw falls back to the frame record")
    func pcOutsideImage() throws {
        var registers = snapshot.registers
        registers.pc = 0x10
        let walk = try DWARFUnwinder(elfPath: elfURL.path).walk(registers: registers, readMemory: snapshot.readWord)
        let first = try #require(walk.frames.first)
        #expect(first.symbol == nil && first.symbolOffset == nil)
        #expect(!first.isCoveredByCFI)
        #expect(first.description == "0x10")
        // The caller comes from x30 (libdw's AArch64 fallback); from there on the CFI applies again.
        #expect(walk.frames.dropFirst().first?.symbol == "level4")
        #expect(walk.frames.dropFirst().allSatisfy { $0.isCoveredByCFI })
        #expect(walk.frames.last?.symbol == "_start")
    }

    @Test("one Dwfl session serves thousands of walks with identical results; per-walk cost reported")
    func repeatedWalksAreStableAndCheap() throws {
        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let reference = unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord)
        let iterations = 5_000
        let clock = ContinuousClock()
        var mismatches = 0
        let elapsed = clock.measure {
            for iteration in 0..<iterations {
                // A different x0 each time (no frame's CFI uses it), so that libdw makes every walk
                // rather than the record of an identical one answering.
                var registers = snapshot.registers
                registers.x[0] = UInt64(iteration) &+ 0x1234_5678
                if unwinder.walk(registers: registers, readMemory: snapshot.readWord) != reference {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect(unwinder.repeatedWalkCount == 0)
        let microseconds = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
        print("DWARFUnwinder: \(iterations) walks of \(reference.frames.count) frames, "
            + String(format: "%.1f µs per walk", microseconds / Double(iterations)))
    }

    @Test("a walk from the same registers over the same memory is answered from the record; one over changed memory is walked again")
    func repeatedWalkIsAnsweredFromTheRecord() throws {
        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let first = unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord)
        #expect(unwinder.repeatedWalkCount == 0)
        #expect(unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord) == first)
        #expect(unwinder.repeatedWalkCount == 1)

        // The caller's frame record at sp, which the first walk read, now says the chain ends there.
        let sp = snapshot.registers.sp
        let changed: (UInt64) -> UInt64? = { $0 == sp || $0 == sp + 8 ? 0 : snapshot.readWord($0) }
        let walked = unwinder.walk(registers: snapshot.registers, readMemory: changed)
        #expect(unwinder.repeatedWalkCount == 1, "a changed word the recorded walk read was not noticed")
        #expect(walked != first)
        #expect(walked == (try DWARFUnwinder(elfPath: elfURL.path)).walk(registers: snapshot.registers, readMemory: changed))
    }

    @Test("separate unwinders walk in parallel and a shared one serialises safely")
    func concurrentWalks() async throws {
        let path = elfURL.path
        let snapshot = self.snapshot
        let shared = try DWARFUnwinder(elfPath: path)
        let results = try await withThrowingTaskGroup(of: [StackWalk].self) { group in
            for task in 0..<4 {
                group.addTask {
                    let unwinder = task.isMultiple(of: 2) ? try DWARFUnwinder(elfPath: path) : shared
                    return (0..<200).map { _ in unwinder.walk(registers: snapshot.registers, readMemory: snapshot.readWord) }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == 800)
        #expect(results.allSatisfy { $0.symbols == Self.expectedChain.map(Optional.some) && $0.end == .completed })
    }

    @Test func moduleIsReportedAtItsLinkAddresses() throws {
        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let range = try #require(unwinder.moduleAddressRange)
        for name in Self.expectedChain {
            #expect(range.contains(try elf.symbol(named: name).value), "\(name)")
        }
        #expect(range.contains(try elf.symbol(named: "stack_top").value))
    }
}
