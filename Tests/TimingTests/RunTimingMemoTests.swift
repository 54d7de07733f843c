import A64
import Emulator
import Testing

/// The out-of-order model times chains of runs it replays from its memo (`remembersRuns`) to the
/// same counters as timing every instruction: in a loop whose run meets a few states over and
/// over, where a load alternates between data lines (so some lookups cannot be replayed), where the
/// loop's branch is sometimes mispredicted, where a run is patched in place between batches, and
/// in a loop of short runs (a conditional branch, a call and a return) whose path varies.
@Suite struct RunTimingMemoTests {
    static let base: UInt64 = 0x4000_0000
    /// ldr x1, [x0]; add x2, x2, x1; nop; add x4, x4, #1; add x5, x5, x4; cbnz x9, base: bound by
    /// dispatch on both profiles, not by latencies or pipes.
    static let loop: [UInt32] = [0xF940_0001, 0x8B01_0042, 0xD503_201F, 0x9100_0484, 0x8B04_00A5, 0xB5FF_FF69]

    @Test(arguments: ["cortex-a72", "neoverse-n1"])
    func replayedRunsTimeAsTimedOnes(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        // Mostly one data line, now and then another of the same set (the line is then not its set's
        // most recent, and the lookup times the chain directly);
        // mostly taken, every seventh iteration falling through to the loop start again.
        let iterations = 3000
        let dataAddresses = (0..<iterations).map { $0 % 11 == 0 ? 0x4010_4000 : 0x4010_0000 as UInt64 }
        let nextPCs = (0..<iterations).map { $0 % 7 == 0 ? Self.base + UInt64(Self.loop.count) * 4 : Self.base }

        var remembering = OutOfOrderCycleModel(profile: profile, remembersRuns: true)
        var timing = OutOfOrderCycleModel(profile: profile, remembersRuns: false)
        let digests = UnsafeMutablePointer<TimedInstruction>.allocate(capacity: Self.loop.count)
        defer { digests.deallocate() }
        for words in [Self.loop, Self.loop.dropLast(2) + [0x9100_0842, 0xB5FF_FF69]] {
            Self.decode(words, into: digests)
            var data: [UInt64] = []
            for address in dataAddresses { data += [address] + Array(repeating: 0, count: words.count - 1) }
            let runs = nextPCs.map { RetiredRun(instruction: digests, pc: Self.base, count: words.count, nextPC: $0) }
            Self.retire(runs, data: data, batchRuns: runs.count, into: &remembering)
            Self.retire(runs, data: data, batchRuns: runs.count, into: &timing)
            #expect(remembering.counters == timing.counters)
        }
        #expect(remembering.counters.branchMispredicts > 0)
        #expect(remembering.counters.dataCacheMisses > 0)
        // On cortex-a72 a good share of the runs were replayed (measured 2,665 of 6,000); neoverse-n1
        // meets few repeated states in this loop (none measured, not yet explained). None without
        // the memo.
        if profileName == "cortex-a72" {
            #expect(remembering.runsReplayed > UInt64(iterations / 2), "\(remembering.runsReplayed) of \(2 * iterations)")
        }
        #expect(timing.runsReplayed == 0)
    }

    /// A loop of short runs, laid out from `base`:
    /// A: add x2, x2, #1; cbnz x3, C
    /// B: ldr x4, [x0]; add x5, x5, x4; bl F
    /// C: add x7, x7, x2; eight nops; b A
    /// F (at word 17): add x6, x6, #1; ret
    /// The nops keep it bound by dispatch rather than by its four branches in the one branch pipe
    /// (a loop that is fills the reorder window, and chains that may wait for the window are not
    /// remembered).
    static let shortRuns: [UInt32] = [0x9100_0442, 0xB500_0083, 0xF940_0004, 0x8B04_00A5, 0x9400_000D,
                                      0x8B02_00E7] + Array(repeating: 0xD503_201F, count: 8) + [0x17FF_FFF2]
        + Array(repeating: 0xD503_201F, count: 2) + [0x9100_04C6, 0xD65F_03C0]

    @Test(arguments: ["cortex-a72", "neoverse-n1"])
    func chainedShortRunsTimeAsTimedOnes(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let digests = UnsafeMutablePointer<TimedInstruction>.allocate(capacity: Self.shortRuns.count)
        defer { digests.deallocate() }
        Self.decode(Self.shortRuns, into: digests)
        let a = Self.base, b = Self.base + 8, c = Self.base + 20, f = Self.base + 68
        // Every fifth iteration takes the short path (A, C), the rest call F (A, B, F, C); every
        // thirteenth load reads another line of the same set.
        var runs: [RetiredRun] = [], data: [UInt64] = []
        for iteration in 0..<3000 {
            if iteration % 5 == 0 {
                runs += [RetiredRun(instruction: digests, pc: a, count: 2, nextPC: c)]
                data += [0, 0]
            } else {
                runs += [RetiredRun(instruction: digests, pc: a, count: 2, nextPC: b),
                         RetiredRun(instruction: digests + 2, pc: b, count: 3, nextPC: f),
                         RetiredRun(instruction: digests + 17, pc: f, count: 2, nextPC: c)]
                data += [0, 0, iteration % 13 == 0 ? 0x4010_4000 : 0x4010_0000, 0, 0, 0, 0]
            }
            runs += [RetiredRun(instruction: digests + 5, pc: c, count: 10, nextPC: a)]
            data += Array(repeating: 0, count: 10)
        }
        var remembering = OutOfOrderCycleModel(profile: profile, remembersRuns: true)
        var timing = OutOfOrderCycleModel(profile: profile, remembersRuns: false)
        // Batches of 37 runs, so that chains are cut at batch ends in changing places.
        Self.retire(runs, data: data, batchRuns: 37, into: &remembering)
        Self.retire(runs, data: data, batchRuns: 37, into: &timing)
        #expect(remembering.counters == timing.counters)
        #expect(remembering.counters.branchMispredicts > 0)
        #expect(remembering.counters.dataCacheMisses > 0)
        // Measured: 8,620 of 10,800 runs replayed on cortex-a72; on neoverse-n1 50 (its chains here
        // mostly may wait for the reorder window).
        if profileName == "cortex-a72" {
            #expect(remembering.runsReplayed > UInt64(runs.count / 2), "\(remembering.runsReplayed) of \(runs.count)")
        }
        #expect(timing.runsReplayed == 0)
    }

    /// Writes the digests of `words`, decoded at `base` on, to `digests` (a second call patches
    /// them in place, and says so).
    static func decode(_ words: [UInt32], into digests: UnsafeMutablePointer<TimedInstruction>) {
        let decoded = words.enumerated().map { index, word in TimedInstruction(Decoder.decode(word, at: base + UInt64(index) * 4)) }
        digests.initialize(from: decoded, count: decoded.count)
        TimingDigestGeneration.advance()
    }

    /// Retires `runs`, with one data address per instruction in `data`, in batches of `batchRuns` runs.
    static func retire(_ runs: [RetiredRun], data: [UInt64], batchRuns: Int, into model: inout OutOfOrderCycleModel) {
        runs.withUnsafeBufferPointer { runs in
            data.withUnsafeBufferPointer { data in
                var first = 0, dataIndex = 0
                while first < runs.count {
                    let end = min(first + batchRuns, runs.count)
                    let batch = UnsafeBufferPointer(rebasing: runs[first..<end])
                    model.retire(RetiredBatch(runs: batch, dataAddresses: data.baseAddress! + dataIndex))
                    dataIndex += batch.reduce(0) { $0 + $1.count }
                    first = end
                }
            }
        }
    }
}
