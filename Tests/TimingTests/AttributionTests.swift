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

    /// `outer` falls through into its inner global label `inner` (as a trampoline's body runs into
    /// a label inside it): one block of the guest, but each symbol is charged its own instructions,
    /// exactly what a run of one instruction at a time charges. Before blocks ended at symbol
    /// starts, `outer` was charged all five.
    @Test func codeFallingIntoTheNextSymbolIsChargedToEach() throws {
        let bench = LoopBench(body: ["bl outer"], support: """
                .type outer, %function
            outer:
                udiv x0, x1, x2
                udiv x0, x0, x2
                .globl inner
            inner:
                add x3, x0, #1
                add x4, x3, #1
                ret
                .size outer, . - outer
            """)
        let symbols = try SymbolTable(image: TimingProgram.build(bench.programSource).image)
        func attribution(stepping: Bool) throws -> [TimingAttribution.Entry] {
            let (machine, loop) = try bench.makeMachine(profile: .cortexA72)
            machine.attributeTiming(to: symbols)
            for _ in 0..<21 {
                var reason: StopReason
                repeat { reason = machine.run(instructionLimit: stepping ? 1 : 1_000_000) } while reason == .instructionLimit
                try #require(reason == .hook(pc: loop))
            }
            return try #require(machine.timingAttribution).entries
        }
        let blocks = try attribution(stepping: false)
        let outer = blocks.first { $0.symbol == "outer" }?.counters
        let inner = blocks.first { $0.symbol == "inner" }?.counters
        #expect(outer?.instructions == 40 && inner?.instructions == 60)
        #expect((inner?.cycles ?? 0) > 0)
        #expect(blocks == (try attribution(stepping: true)), "instruction by instruction")
    }
}
