import A64
import Emulator
import Testing

/// A cycle model times a batch of retired runs exactly as it times the same instructions handed
/// over one by one, including where a run crosses into another instruction-cache line and where an
/// instruction-cache invalidation in the middle of a run makes the next instruction's line be
/// looked up again, where a serialising instruction holds the front end, and where a mispredicted
/// branch ends a run with another after it (the out-of-order model looks a line up at a run's start
/// and where the PC crosses a line boundary, and holds dispatch for the front end at a batch's
/// start and after a miss, a serialising instruction or a misprediction, rather than on every
/// instruction or run).
@Suite struct BatchedRetirementTests {
    static let base: UInt64 = 0x4000_0028
    /// Instruction words from `base` on, with the data address each one accesses.
    static let program: [(word: UInt32, data: UInt64)] = [
        (0x9100_0442, 0),            // add x2, x2, #1
        (0x9100_0463, 0),            // add x3, x3, #1
        (0xD50B_7520, 0x4000_0000),  // ic ivau, x0 (the line being run): the next fetch misses
        (0x9100_0442, 0),            // add x2, x2, #1   (0x34, not a line start)
        (0xF940_0001, 0x4010_0000),  // ldr x1, [x0]
        (0xD50B_7520, 0x4000_0000),  // ic ivau, x0
        (0x9100_0463, 0),            // add x3, x3, #1   (0x40, a line start)
        (0x9100_0442, 0),            // add x2, x2, #1
        (0xD50B_7B20, 0x4010_0000),  // dc cvau, x0
        (0xD503_3B9F, 0),            // dsb ish: serialising, the front end waits for it
        (0xD503_3FDF, 0),            // isb
        (0xF940_0001, 0x4010_0000),  // ldr x1, [x0]
        (0x8B02_0063, 0),            // add x3, x3, x2
        (0xD50B_7520, 0x4000_0040),  // ic ivau, x0 (this line), the run's last instruction
    ]

    @Test(arguments: CPUProfile.all.map(\.name))
    func aBatchIsTimedAsItsInstructionsOneByOne(profileName: String) throws {
        let end = Self.base + UInt64(Self.program.count) * 4
        let run = Run(pc: Self.base, words: Self.program.map(\.word), data: Self.program.map(\.data), nextPC: end)
        let (batched, oneByOne) = try Self.counters(of: [run], profileName: profileName)
        #expect(batched == oneByOne)
        // Line 0x00 at 0x28, again at 0x34 after the first invalidation, and line 0x40 (the second
        // invalidation's line is not fetched again, and nothing follows the last).
        #expect(batched.instructionCacheMisses == 3, "\(batched)")
        #expect(batched.instructions == UInt64(Self.program.count))
    }

    /// Two runs in one batch, the first ending in a taken `cbz` that a cold predictor mispredicts,
    /// the second in the same instruction-cache line (so that no fetch miss waits for it): the
    /// second run's dispatch waits for the redirected front end as it does when it arrives in a
    /// batch of its own.
    @Test(arguments: CPUProfile.all.map(\.name))
    func aMispredictionBetweenRunsIsTimedAsOneByOne(profileName: String) throws {
        let target = Self.base + 0x10
        // add x2, x2, #1; cbz x9, target (taken) | add x3, x3, #1; add x2, x2, #1 (0x28 ... 0x3C)
        let runs = [Run(pc: Self.base, words: [0x9100_0442, 0xB400_0069], data: [0, 0], nextPC: target),
                    Run(pc: target, words: [0x9100_0463, 0x9100_0442], data: [0, 0], nextPC: target + 8)]
        let (batched, oneByOne) = try Self.counters(of: runs, profileName: profileName)
        #expect(batched.branchMispredicts == 1, "\(batched)")
        #expect(batched == oneByOne)
    }

    /// Instruction words retired in a row from `pc`, the data address each one accesses, and where
    /// the last went on to.
    struct Run {
        var pc: UInt64
        var words: [UInt32]
        var data: [UInt64]
        var nextPC: UInt64
    }

    /// The counters of `profileName`'s model after `runs` handed over as one batch, and after the
    /// same instructions handed over one by one.
    static func counters(of runs: [Run], profileName: String) throws -> (batched: TimingCounters, oneByOne: TimingCounters) {
        let profile = try #require(CPUProfile.named(profileName))
        switch profile.pipeline {
        case .inOrder: return counters(of: runs) { InOrderCycleModel(profile: profile) }
        case .outOfOrder: return counters(of: runs) { OutOfOrderCycleModel(profile: profile) }
        }
    }

    static func counters<Model: CycleModel>(of runs: [Run], _ makeModel: () -> Model)
        -> (batched: TimingCounters, oneByOne: TimingCounters) {
        let instructions = runs.flatMap { run in
            run.words.enumerated().map { index, word in TimedInstruction(Decoder.decode(word, at: run.pc + UInt64(index) * 4)) }
        }
        let data = runs.flatMap(\.data)

        var batched = makeModel()
        instructions.withUnsafeBufferPointer { timed in
            data.withUnsafeBufferPointer { addresses in
                var first = 0
                let retired = runs.map { run in
                    defer { first += run.words.count }
                    return RetiredRun(instruction: timed.baseAddress! + first, pc: run.pc, count: run.words.count,
                                      nextPC: run.nextPC)
                }
                retired.withUnsafeBufferPointer { retired in
                    batched.retire(RetiredBatch(runs: retired, dataAddresses: addresses.baseAddress!))
                }
            }
        }
        var oneByOne = makeModel()
        var index = 0
        for run in runs {
            for offset in run.words.indices {
                let pc = run.pc + UInt64(offset) * 4
                let nextPC = offset == run.words.count - 1 ? run.nextPC : pc + 4
                oneByOne.retire(instructions[index], pc: pc, nextPC: nextPC, dataAddress: data[index])
                index += 1
            }
        }
        return (batched.counters, oneByOne.counters)
    }
}
