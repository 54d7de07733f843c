import Emulator
import Testing

/// Writes to code: the text watch reports them with the storing PC, and the next fetch sees them
/// without any cache maintenance (the emulator keeps the instruction cache coherent).
@Suite("Machine writes to code", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineCodeWriteTests {
    /// `mov x0, #42`
    static let movX0Is42: UInt32 = 0xD280_0540

    @Test("the text watch reports each store into the watched range with the storing PC, address and size")
    func watchReportsStoringPC() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
                adr     x0, victim
                ldr     w1, =0xD503201F
            store_site:
                str     w1, [x0]
            pair_site:
                stp     w1, w1, [x0, #4]
                adr     x2, outside
            outside_site:
                str     w1, [x2]                    // same page, outside the watched range
                hlt     #1
            victim:
                mov     x0, #1
                mov     x0, #2
                mov     x0, #3
            outside:
                .word   0
                .ltorg
            """)
        let victim = try program.require("victim")
        var reports: [(pc: UInt64, address: UInt64, count: Int)] = []
        machine.watchWrites(to: victim..<victim + 12)
        machine.watchedWriteHandler = { reports.append(($0, $1, $2)) }
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: try program.require("victim") - 4))

        let store = try program.require("store_site"), pair = try program.require("pair_site")
        let inside = reports.filter { (victim..<victim + 12).contains($0.address) }
        #expect(inside.map(\.pc) == [store, pair, pair], "storing PCs \(inside.map { hex($0.pc) })")
        #expect(inside.map(\.address) == [victim, victim + 4, victim + 8])
        #expect(inside.map(\.count) == [4, 4, 4])
        #expect(reports.count == inside.count,
                "a store outside the watched range was reported: \(reports.filter { !(victim..<victim + 12).contains($0.address) }.map { (hex($0.pc), hex($0.address)) })")
    }

    @Test("a watch creates no pages; a page first touched under it is watched, and stays so while another watch covers it")
    func watchOfUntouchedMemory() throws {
        // Three stores into RAM no one has touched, each followed by a halt.
        let (machine, _) = try TestProgram.machine("""
            _start:
                ldr     x0, =0x48005000
                mov     w1, #7
                str     w1, [x0]
                hlt     #1
                str     w1, [x0, #4]
                hlt     #1
                str     w1, [x0, #8]
                hlt     #1
                .ltorg
            """)
        let region: Range<UInt64> = 0x4800_0000..<0x4810_0000, page: UInt64 = 0x4800_5000
        var reported: [UInt64] = []
        machine.watchedWriteHandler = { _, address, _ in reported.append(address) }
        let pagesBefore = machine.memory.allocatedPageCount
        machine.watchWrites(to: region)
        machine.watchWrites(to: page..<page + 16)
        #expect(machine.memory.allocatedPageCount == pagesBefore, "watching 256 untouched pages allocated some")

        func runToHalt() {
            guard case .halted(immediate: _, let pc) = machine.run(instructionLimit: 100) else {
                Issue.record("the program did not halt")
                return
            }
            machine.pc = pc + 4
        }
        runToHalt()
        #expect(reported == [page], "the store into a page created under the watch")
        machine.stopWatchingWrites(to: region)
        runToHalt()
        #expect(reported == [page, page + 4], "the other watch still covers the page")
        machine.stopWatchingWrites(to: page..<page + 16)
        runToHalt()
        #expect(reported == [page, page + 4], "no watch covers the page any more")
    }

    @Test("a patched function runs its new instruction the next time it is called, without cache maintenance")
    func patchedFunctionWithoutMaintenance() throws {
        let (machine, _) = try TestProgram.machine("""
            _start:
                bl      patched
                mov     x19, x0
                adr     x1, patched
                ldr     w2, =\(Self.movX0Is42)
                str     w2, [x1]
                bl      patched
                mov     x20, x0
                hlt     #1
            patched:
                mov     x0, #7
                ret
                .ltorg
            """)
        guard case .halted(immediate: 1, _) = machine.run(instructionLimit: 100) else {
            Issue.record("the program did not reach hlt #1")
            return
        }
        #expect(machine[x: 19] == 7)
        #expect(machine[x: 20] == 42, "the second call ran the old instruction: x0 = \(machine[x: 20])")
    }

    @Test("a store to the next instruction of the same straight-line block is seen by its fetch")
    func patchAheadInTheSameBlock() throws {
        let (machine, _) = try TestProgram.machine("""
            _start:
                adr     x1, next
                ldr     w2, =\(Self.movX0Is42)
                mov     x0, #7
                str     w2, [x1]
            next:
                mov     x0, #1
                hlt     #1
                .ltorg
            """)
        guard case .halted(immediate: 1, _) = machine.run(instructionLimit: 100) else {
            Issue.record("the program did not reach hlt #1")
            return
        }
        #expect(machine[x: 0] == 42, "the instruction after the store ran as it was before the store: x0 = \(machine[x: 0])")
    }

    @Test("a host write to decoded code replaces the instruction for the next run")
    func hostPatchOfDecodedCode() throws {
        let (machine, program) = try TestProgram.machine("""
            _start:
            patched:
                mov     x0, #7
                hlt     #1
            """)
        let start = try program.require("_start")
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: start + 4))
        #expect(machine[x: 0] == 7)
        #expect(machine.memory.writeUInt32(Self.movX0Is42, at: try program.require("patched")))
        machine.pc = start
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: start + 4))
        #expect(machine[x: 0] == 42, "the machine ran the stale decoded instruction: x0 = \(machine[x: 0])")
    }
}
