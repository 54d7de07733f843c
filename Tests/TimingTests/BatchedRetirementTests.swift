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
        let profile = try #require(CPUProfile.named(profileName))
        switch profile.pipeline {
        case .inOrder: try Self.expectBatchTimedAsOneByOne { InOrderCycleModel(profile: profile) }
        case .outOfOrder: try Self.expectBatchTimedAsOneByOne { OutOfOrderCycleModel(profile: profile) }
        }
    }

    static func expectBatchTimedAsOneByOne<Model: CycleModel>(_ makeModel: () -> Model) throws {
        let timed = program.enumerated().map { index, entry in
            TimedInstruction(Decoder.decode(entry.word, at: base + UInt64(index) * 4))
        }
        let data = program.map(\.data)
        let end = base + UInt64(timed.count) * 4

        var batched = makeModel()
        timed.withUnsafeBufferPointer { instructions in
            data.withUnsafeBufferPointer { addresses in
                var run = RetiredRun(instruction: instructions.baseAddress!, pc: base, count: timed.count, nextPC: end)
                withUnsafePointer(to: &run) { run in
                    batched.retire(RetiredBatch(runs: UnsafeBufferPointer(start: run, count: 1),
                                                dataAddresses: addresses.baseAddress!))
                }
            }
        }
        var oneByOne = makeModel()
        for (index, instruction) in timed.enumerated() {
            let pc = base + UInt64(index) * 4
            oneByOne.retire(instruction, pc: pc, nextPC: pc + 4, dataAddress: data[index])
        }
        #expect(batched.counters == oneByOne.counters)
        // Line 0x00 at 0x28, again at 0x34 after the first invalidation, and line 0x40 (the second
        // invalidation's line is not fetched again, and nothing follows the last).
        #expect(batched.counters.instructionCacheMisses == 3, "\(batched.counters)")
        #expect(batched.counters.instructions == UInt64(timed.count))
    }

    /// Two runs in one batch, the first ending in a taken `cbz` that a cold predictor mispredicts,
    /// the second in the same instruction-cache line (so that no fetch miss waits for it): the
    /// second run's dispatch waits for the redirected front end as it does when it arrives in a
    /// batch of its own.
    @Test(arguments: CPUProfile.all.map(\.name))
    func aMispredictionBetweenRunsIsTimedAsOneByOne(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        switch profile.pipeline {
        case .inOrder: try Self.expectRunsAfterAMispredictionTimedAsOneByOne { InOrderCycleModel(profile: profile) }
        case .outOfOrder: try Self.expectRunsAfterAMispredictionTimedAsOneByOne { OutOfOrderCycleModel(profile: profile) }
        }
    }

    static func expectRunsAfterAMispredictionTimedAsOneByOne<Model: CycleModel>(_ makeModel: () -> Model) throws {
        let target = base + 0x10
        // add x2, x2, #1; cbz x9, target (taken) | add x3, x3, #1; add x2, x2, #1 (0x28 ... 0x3C)
        let first = [0x9100_0442, 0xB400_0069].enumerated().map { index, word in
            TimedInstruction(Decoder.decode(UInt32(word), at: base + UInt64(index) * 4))
        }
        let second = [0x9100_0463, 0x9100_0442].enumerated().map { index, word in
            TimedInstruction(Decoder.decode(UInt32(word), at: target + UInt64(index) * 4))
        }
        let instructions = first + second
        let data = [UInt64](repeating: 0, count: instructions.count)

        var batched = makeModel()
        instructions.withUnsafeBufferPointer { timed in
            data.withUnsafeBufferPointer { addresses in
                let runs = [
                    RetiredRun(instruction: timed.baseAddress!, pc: base, count: 2, nextPC: target),
                    RetiredRun(instruction: timed.baseAddress! + 2, pc: target, count: 2, nextPC: target + 8),
                ]
                runs.withUnsafeBufferPointer { runs in
                    batched.retire(RetiredBatch(runs: runs, dataAddresses: addresses.baseAddress!))
                }
            }
        }
        var oneByOne = makeModel()
        let pcs = [base, base + 4, target, target + 4]
        let nextPCs = [base + 4, target, target + 4, target + 8]
        for index in instructions.indices {
            oneByOne.retire(instructions[index], pc: pcs[index], nextPC: nextPCs[index], dataAddress: 0)
        }
        #expect(batched.counters.branchMispredicts == 1, "\(batched.counters)")
        #expect(batched.counters == oneByOne.counters)
    }
}
