import A64
import Emulator
import Testing

/// A cycle model times a batch of retired runs exactly as it times the same instructions handed
/// over one by one, including where a run crosses into another instruction-cache line and where an
/// instruction-cache invalidation in the middle of a run makes the next instruction's line be
/// looked up again, and where a serialising instruction holds the front end (the out-of-order
/// model looks a line up, and holds dispatch for the front end, at a run's start, where the PC
/// crosses a line boundary and after a miss or a serialising instruction, rather than on every
/// instruction).
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
}
