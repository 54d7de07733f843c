import Emulator
import Testing

/// `HostRunTime` counts every run of every machine, per timing mode, once the machine is gone.
@Suite("Host run time", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct HostRunTimeTests {
    @Test("a machine's runs reach the process's totals under each mode it ran in")
    func runsAreCountedPerMode() throws {
        let before = HostRunTime.processTotals()
        var ran: [String: UInt64] = [:]
        do {
            let (machine, _) = try TestProgram.machine("""
                    .type   _start, %function
                _start:
                    add     x0, x0, #1
                    b       _start
                """)
            for mode in [TimingMode.functional, .profile(.cortexA72), .profile(.cortexA53), .functional] {
                machine.timing = mode
                let start = machine.counters.instructions
                _ = machine.run(instructionLimit: 5_000)
                let name: String
                if case .profile(let profile) = mode { name = profile.name } else { name = "functional" }
                ran[name, default: 0] += machine.counters.instructions - start
            }
        }
        // Other tests' machines may add to the totals meanwhile, never take from them.
        let added = HostRunTime.difference(HostRunTime.processTotals(), before)
        for (mode, instructions) in ran {
            let total = try #require(added[mode], "no runs under \(mode): \(added)")
            #expect(total.instructions >= instructions, "\(mode): \(total.instructions) < \(instructions)")
            #expect(total.nanoseconds > 0 && total.instructionsPerSecond > 0)
        }
        #expect(ran == ["functional": 10_000, "cortex-a72": 5_000, "cortex-a53": 5_000])
    }
}
