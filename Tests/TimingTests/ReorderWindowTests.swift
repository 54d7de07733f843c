import A64
@testable import Emulator
import Testing

/// The out-of-order model holds dispatch back while its reorder window is full, and it does so the
/// same however the executor cuts the instructions into runs. (The model tests the window once per
/// run where the window cannot hold any of the run's instructions back, and per instruction
/// otherwise.)
@Suite struct ReorderWindowTests {
    static let base: UInt64 = 0x4000_0000
    /// `ldr x1, [x1]` and `ldr x5, [x5]`: each load of a chain waits for the one before.
    static let chainA: UInt32 = 0xF940_0021, chainB: UInt32 = 0xF940_00A5
    /// `add x3, x3, #1`.
    static let add: UInt32 = 0x9100_0463

    /// Two chains of twenty loads that miss in the data cache, the second independent of the first,
    /// each load followed by seven adds. The window lets the second chain start only once all but
    /// the window's last micro-ops of the first have retired, so with 128 micro-ops (less than the
    /// first chain's 160) the second chain starts later than with a larger window.
    static let program: [(word: UInt32, data: UInt64)] = [chainA, chainB].flatMap { load in
        (0..<20).flatMap { _ in [(load, 0)] + Array(repeating: (add, 0), count: 7) }
    }.enumerated().map { index, entry in (entry.0, entry.0 == add ? 0 : 0x4010_0000 + UInt64(index) * 64) }
    static var words: [UInt32] { program.map(\.word) }

    /// Cortex-A72 with its reorder window set to `window` micro-ops.
    static func cortexA72(window: Int) -> CPUProfile {
        let p = CPUProfile.cortexA72
        return CPUProfile(name: p.name, summary: p.summary, pipeline: p.pipeline, issueWidth: p.issueWidth,
                          reorderWindow: Sourced(window, "test"), inOrderWriteback: p.inOrderWriteback, pipes: p.pipes,
                          classCosts: p.classCosts, forwarding: p.forwarding, mispredictPenalty: p.mispredictPenalty,
                          returnStackDepth: p.returnStackDepth, branchTargetBufferEntries: p.branchTargetBufferEntries,
                          conditionalPredictorEntries: p.conditionalPredictorEntries,
                          globalHistoryBits: p.globalHistoryBits, instructionCache: p.instructionCache,
                          dataCache: p.dataCache, missLatency: p.missLatency, exceptionEntry: p.exceptionEntry,
                          exceptionReturn: p.exceptionReturn, instructionBarrier: p.instructionBarrier,
                          dataSynchronizationBarrier: p.dataSynchronizationBarrier,
                          dataMemoryBarrier: p.dataMemoryBarrier, systemRegisterRead: p.systemRegisterRead,
                          systemRegisterWrite: p.systemRegisterWrite, dataCacheMaintenance: p.dataCacheMaintenance,
                          instructionCacheMaintenance: p.instructionCacheMaintenance)
    }

    /// The counters after the program retired twice, the second time in one batch of runs of
    /// `runLength` instructions (the last may be shorter), each going on to the next instruction.
    /// The first time, one by one, fills the instruction cache, whose misses would otherwise hold
    /// the front end back more than the window does; the second time the loads miss again, on
    /// other lines.
    static func counters(profile: CPUProfile, runLength: Int) -> TimingCounters {
        let timed = words.enumerated().map { TimedInstruction(Decoder.decode($1, at: base + UInt64($0) * 4)) }
        var model = OutOfOrderCycleModel(profile: profile)
        func retire(runLength: Int, dataOffset: UInt64) {
            let data = program.map { $0.data == 0 ? 0 : $0.data + dataOffset }
            timed.withUnsafeBufferPointer { timed in
                data.withUnsafeBufferPointer { data in
                    let runs = stride(from: 0, to: words.count, by: runLength).map { first in
                        let count = min(runLength, words.count - first)
                        return RetiredRun(instruction: timed.baseAddress! + first, pc: base + UInt64(first) * 4,
                                          count: count, nextPC: base + UInt64(first + count) * 4)
                    }
                    runs.withUnsafeBufferPointer { model.retire(RetiredBatch(runs: $0, dataAddresses: data.baseAddress!)) }
                }
            }
        }
        retire(runLength: 1, dataOffset: 0)
        retire(runLength: runLength, dataOffset: 0x10_0000)
        return model.counters
    }

    /// The window binds: the program takes longer with cortex-a72's 128 micro-ops than with a
    /// window of 252.
    @Test func theProgramFillsTheWindow() {
        let narrow = Self.counters(profile: Self.cortexA72(window: 128), runLength: 1)
        let wide = Self.counters(profile: Self.cortexA72(window: 252), runLength: 1)
        #expect(narrow.cycles > wide.cycles, "128: \(narrow.cycles) cycles, 252: \(wide.cycles)")
    }

    /// Runs of one instruction, of a few (tested per run, where the window may or may not bind) and
    /// of more than the window holds (tested per instruction) time the program alike. Testing the
    /// window per run against the entry before the run's first micro-op instead of its last
    /// possible one makes runs of two and three take a cycle fewer; testing it per run however
    /// long the run makes runs of 33 and 64 take 14 fewer (both tried).
    @Test(arguments: [128, 252])
    func everyCutIntoRunsIsTimedAlike(window: Int) {
        let profile = Self.cortexA72(window: window)
        let oneByOne = Self.counters(profile: profile, runLength: 1)
        for runLength in [2, 3, 8, 31, 32, 33, 64, Self.words.count] {
            let cut = Self.counters(profile: profile, runLength: runLength)
            #expect(cut == oneByOne, "window \(window), runs of \(runLength): \(cut.cycles) cycles against \(oneByOne.cycles)")
        }
    }
}
