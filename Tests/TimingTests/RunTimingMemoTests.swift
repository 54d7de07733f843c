import A64
import Emulator
import Testing

/// The out-of-order model times runs it replays from its memo (`remembersRuns`) to the same
/// counters as timing every instruction: in a loop whose run meets a few states over and over,
/// where a load alternates between data lines (so some lookups cannot be replayed), where the loop's
/// branch is sometimes mispredicted, and where a run is patched in place between batches.
@Suite struct RunTimingMemoTests {
    static let base: UInt64 = 0x4000_0000
    /// ldr x1, [x0]; add x2, x2, x1; nop; add x4, x4, #1; add x5, x5, x4; cbnz x9, base: bound by
    /// dispatch on both profiles, not by latencies or pipes (a loop that is fills the reorder
    /// window, and runs that wait for the window are not remembered).
    static let loop: [UInt32] = [0xF940_0001, 0x8B01_0042, 0xD503_201F, 0x9100_0484, 0x8B04_00A5, 0xB5FF_FF69]

    @Test(arguments: ["cortex-a72", "neoverse-n1"])
    func replayedRunsTimeAsTimedOnes(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        // Mostly one data line, now and then another of the same set (the line is then not its set's
        // most recent, and the lookup times the run directly);
        // mostly taken, every seventh iteration falling through to the loop start again.
        let iterations = 3000
        let dataAddresses = (0..<iterations).map { $0 % 11 == 0 ? 0x4010_4000 : 0x4010_0000 as UInt64 }
        let nextPCs = (0..<iterations).map { $0 % 7 == 0 ? Self.base + UInt64(Self.loop.count) * 4 : Self.base }

        var remembering = OutOfOrderCycleModel(profile: profile, remembersRuns: true)
        var timing = OutOfOrderCycleModel(profile: profile, remembersRuns: false)
        let digests = UnsafeMutablePointer<TimedInstruction>.allocate(capacity: Self.loop.count)
        defer { digests.deallocate() }
        for words in [Self.loop, Self.loop.dropLast(2) + [0x9100_0842, 0xB5FF_FF69]] {
            Self.retire(words, digests: digests, dataAddresses: dataAddresses, nextPCs: nextPCs, into: &remembering)
            Self.retire(words, digests: digests, dataAddresses: dataAddresses, nextPCs: nextPCs, into: &timing)
            #expect(remembering.counters == timing.counters)
        }
        #expect(remembering.counters.branchMispredicts > 0)
        #expect(remembering.counters.dataCacheMisses > 0)
        // On cortex-a72 most iterations were replayed (on neoverse-n1 this loop meets few repeated
        // states: measured 9 of 6000, not yet explained), and none without the memo.
        if profileName == "cortex-a72" {
            #expect(remembering.runsReplayed > UInt64(iterations), "\(remembering.runsReplayed) of \(2 * iterations)")
        }
        #expect(timing.runsReplayed == 0)
    }

    /// Retires `words` once per data address, as one run each, in one batch, from their digests
    /// written to `digests` (so a second call with other words patches the run in place, and says so).
    static func retire(_ words: [UInt32], digests: UnsafeMutablePointer<TimedInstruction>, dataAddresses: [UInt64],
                       nextPCs: [UInt64], into model: inout OutOfOrderCycleModel) {
        let decoded = words.enumerated().map { index, word in TimedInstruction(Decoder.decode(word, at: base + UInt64(index) * 4)) }
        digests.initialize(from: decoded, count: decoded.count)
        TimingDigestGeneration.advance()
        var data: [UInt64] = []
        for address in dataAddresses { data += [address] + Array(repeating: 0, count: words.count - 1) }
        let runs = nextPCs.map { RetiredRun(instruction: digests, pc: base, count: words.count, nextPC: $0) }
        runs.withUnsafeBufferPointer { runs in
            data.withUnsafeBufferPointer { data in
                model.retire(RetiredBatch(runs: runs, dataAddresses: data.baseAddress!))
            }
        }
    }
}
