import Emulator
import Testing

/// With code maintenance required, a line the guest wrote runs again only after DC CVAU, DSB,
/// IC IVAU, DSB and a context synchronization event, in that order; a fetch before that stops
/// the machine naming the step left out.
@Suite("Machine requires code maintenance", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct MachineCodeCoherenceTests {
    /// `mov x0, #42`
    static let movX0Is42: UInt32 = 0xD280_0540

    /// A program that patches `patched`'s first instruction with `maintenance` after the store,
    /// then calls it; `hlt #1` when it returns.
    static func program(maintenance: String) -> String {
        """
        _start:
            bl      patched
            adr     x1, patched
            ldr     w2, =\(movX0Is42)
            str     w2, [x1]
        \(maintenance)
            bl      patched
            mov     x20, x0
            hlt     #1
            .balign 64
        patched:
            mov     x0, #7
            ret
            .ltorg
        """
    }

    static func run(maintenance: String) throws -> (StopReason, Machine, UInt64) {
        let (machine, program) = try TestProgram.machine(Self.program(maintenance: maintenance))
        let patched = try program.require("patched")
        machine.requireCodeMaintenance(in: [patched..<patched + 64])
        return (machine.run(instructionLimit: 1_000), machine, patched)
    }

    @Test("the full sequence makes the new instruction fetchable", arguments: [
        "    dc cvau, x1\n    dsb ish\n    ic ivau, x1\n    dsb ish\n    isb",
        "    dc cvau, x1\n    dsb ish\n    ic iallu\n    dsb ish\n    isb",
        // VBAR_EL1 is set (and synchronized) before the store; the exception entry synchronizes the line.
        "    adr x3, vectors\n    msr vbar_el1, x3\n    isb\n    dc civac, x1\n    dsb sy\n    ic ivau, x1\n    dsb sy\n    svc #0",
    ])
    func fullSequence(_ maintenance: String) throws {
        let (machine, program) = try TestProgram.machine(Self.program(maintenance: maintenance) + """

            .balign 0x800
        vectors:
            .skip 0x200
            eret
        """)
        let patched = try program.require("patched")
        machine.requireCodeMaintenance(in: [patched..<patched + 64])
        let stop = machine.run(instructionLimit: 1_000)
        guard case .halted(immediate: 1, _) = stop else {
            Issue.record("stopped with \(stop)")
            return
        }
        #expect(machine[x: 20] == 42)
        #expect(machine.unsynchronizedCodeLines.isEmpty)
    }

    @Test("each step left out is named", arguments: [
        ("", "DC CVAU"),
        ("    dc cvau, x1", "a DSB after DC CVAU"),
        ("    dc cvau, x1\n    dsb ish", "IC IVAU"),
        ("    dc cvau, x1\n    ic ivau, x1\n    dsb ish\n    isb", "IC IVAU"),
        ("    dc cvau, x1\n    dsb ish\n    ic ivau, x1", "a DSB after IC IVAU"),
        ("    dc cvau, x1\n    dsb ish\n    ic ivau, x1\n    dsb ish", "an ISB"),
        ("    dc cvau, x1\n    dsb ish\n    ic ivau, x1\n    dsb ish\n    dmb ish", "an ISB"),
    ])
    func missingStep(_ maintenance: String, _ missing: String) throws {
        let (stop, machine, patched) = try Self.run(maintenance: maintenance)
        guard case .fault(let fault) = stop, case .incoherentInstructionFetch(let line) = fault.kind else {
            Issue.record("expected an incoherent fetch, got \(stop)")
            return
        }
        #expect(line == patched && fault.pc == patched)
        #expect(fault.message.contains("without \(missing)"), "\(fault.message)")
        #expect(machine.unsynchronizedCodeLines == [patched])
    }

    @Test("lines outside the enforced ranges, and host writes, are not tracked")
    func outsideTheRanges() throws {
        let (machine, program) = try TestProgram.machine(Self.program(maintenance: ""))
        let patched = try program.require("patched")
        machine.requireCodeMaintenance(in: [patched + 64..<patched + 128])
        #expect(machine.run(instructionLimit: 1_000) != .instructionLimit)
        #expect(machine[x: 20] == 42)

        let (hostWritten, hostProgram) = try TestProgram.machine(Self.program(maintenance: ""))
        let hostPatched = try hostProgram.require("patched")
        hostWritten.requireCodeMaintenance(in: [hostPatched..<hostPatched + 64])
        #expect(hostWritten.memory.writeUInt32(0xD503_201F, at: hostPatched))
        #expect(hostWritten.unsynchronizedCodeLines.isEmpty)
    }
}
