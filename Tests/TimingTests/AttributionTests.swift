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
        let blocks = try Self.attribution(of: bench, stepping: false)
        let outer = blocks.first { $0.symbol == "outer" }?.counters
        let inner = blocks.first { $0.symbol == "inner" }?.counters
        #expect(outer?.instructions == 40 && inner?.instructions == 60)
        #expect((inner?.cycles ?? 0) > 0)
        #expect(blocks == (try Self.attribution(of: bench, stepping: true)), "instruction by instruction")
    }

    /// Blocks chain only within the addresses charged to one symbol: through `walker`'s own loop
    /// and back from a call, but not into `helper` (above it), `tail` (below it, reached by a plain
    /// branch) or, from a block chained inside `tail`, on into the label `tail_inner`. Each symbol
    /// is charged what a run of one instruction at a time charges it.
    @Test func chainedBlocksAreChargedAsOneByOne() throws {
        let bench = LoopBench(body: ["bl walker"], support: """
                .type tail, %function
            tail:
                mov x10, #2
            1:  subs x10, x10, #1
                b.ne 1b
                add x7, x7, #1
                .globl tail_inner
            tail_inner:
                add x8, x7, #1
                ret
                .size tail, . - tail
                .type walker, %function
            walker:
                mov x9, x30
                mov x5, #4
            1:  add x6, x6, #1
                bl helper
                subs x5, x5, #1
                b.ne 1b
                mov x30, x9
                b tail
                .size walker, . - walker
                .type helper, %function
            helper:
                udiv x0, x1, x2
                ret
                .size helper, . - helper
            """)
        let chained = try Self.attribution(of: bench, stepping: false)
        func instructions(_ symbol: String) -> UInt64? { chained.first { $0.symbol == symbol }?.counters.instructions }
        #expect(instructions("walker") == 20 * 20 && instructions("helper") == 20 * 8)
        #expect(instructions("tail") == 20 * 6 && instructions("tail_inner") == 20 * 2)
        #expect(chained == (try Self.attribution(of: bench, stepping: true)), "instruction by instruction")
    }

    /// What cortex-a72's attribution charges each symbol over 20 iterations of `bench`'s loop (after
    /// a first), run as far as the run loop goes or one instruction at a time.
    static func attribution(of bench: LoopBench, stepping: Bool) throws -> [TimingAttribution.Entry] {
        let symbols = try SymbolTable(image: TimingProgram.build(bench.programSource).image)
        let (machine, loop) = try bench.makeMachine(profile: .cortexA72)
        machine.attributeTiming(to: symbols)
        for _ in 0..<21 {
            var reason: StopReason
            repeat { reason = machine.run(instructionLimit: stepping ? 1 : 1_000_000) } while reason == .instructionLimit
            try #require(reason == .hook(pc: loop))
        }
        return try #require(machine.timingAttribution).entries
    }
}
