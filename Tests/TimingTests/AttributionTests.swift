import Emulator
import Testing
import TestSupport

/// Counts are charged to the symbol whose blocks spent them.
@Suite(.enabled(if: TimingProgram.isAvailable, Comment(rawValue: Toolchain.missingReason)))
struct AttributionTests {
    @Test func cyclesAreChargedToTheFunctionThatSpentThem() throws {
        let bench = LoopBench(body: ["bl expensive", "bl cheap"], support: """
                .type expensive, %function
            expensive:
                udiv x0, x1, x2
                udiv x0, x0, x2
                ret
                .size expensive, . - expensive
                .type cheap, %function
            cheap:
                add x3, x3, #1
                ret
                .size cheap, . - cheap
            """)
        let (machine, loop) = try bench.makeMachine(profile: .cortexA72)
        let program = try TimingProgram.build(bench.programSource)
        machine.attributeTiming(to: SymbolTable(image: program.image))
        let total = try LoopBench.measure(machine: machine, loop: loop, warmUp: 0, iterations: 50).window
        let attribution = try #require(machine.timingAttribution)
        let expensive = attribution.counters(for: "expensive")
        let cheap = attribution.counters(for: "cheap")
        #expect(expensive.instructions == 150 && cheap.instructions == 100)
        #expect(expensive.cycles > cheap.cycles)
        let charged = attribution.entries.reduce(TimingCounters()) { $0 + $1.counters }
        #expect(charged.instructions >= total.instructions)
    }
}
