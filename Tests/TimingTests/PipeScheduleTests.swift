import A64
@testable import Emulator
import Testing
import TestSupport

/// The pipe schedule's direct placements (`PackedClassCost.placement`) are shortcuts: each must
/// choose the cycle and the pipes the plain search would, on every profile.
@Suite struct PipeScheduleTests {
    /// Two schedules of `profile`'s pipes, header and rows, in one zeroed buffer each.
    struct SchedulePair: ~Copyable {
        let buffers: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>)
        let count: Int
        let direct: PipeSchedule
        let searched: PipeSchedule

        init(pipeCount: Int) {
            count = PipeSchedule.headerWords + PipeSchedule.words(pipeCount: pipeCount)
            buffers = (.allocate(capacity: count), .allocate(capacity: count))
            buffers.0.initialize(repeating: 0, count: count)
            buffers.1.initialize(repeating: 0, count: count)
            direct = PipeSchedule(pipeCount: pipeCount, bits: buffers.0 + PipeSchedule.headerWords)
            searched = PipeSchedule(pipeCount: pipeCount, bits: buffers.1 + PipeSchedule.headerWords)
        }

        deinit {
            buffers.0.deallocate()
            buffers.1.deallocate()
        }

        /// Whether both schedules hold the same header and the same busy bits.
        var agree: Bool { (0..<count).allSatisfy { buffers.0[$0] == buffers.1[$0] } }
    }

    /// The packed cost row of each of `profile`'s timing classes.
    static func costs(of profile: CPUProfile) -> [PackedClassCost] {
        TimingClass.allCases.map { PackedClassCost(profile.cost(of: $0), timingClass: $0, profile: profile) }
    }

    /// Every kind of direct placement occurs in some out-of-order profile (the models that use the
    /// schedule), so the test below checks each.
    @Test func everyDirectPlacementOccurs() {
        let placements = Set(CPUProfile.all.filter { $0.pipeline == .outOfOrder }.flatMap { Self.costs(of: $0).map(\.placement) })
        for placement in [PackedClassCost.directOneUseTwoRows, PackedClassCost.directOneUse, PackedClassCost.direct, PackedClassCost.directSpanned,
                          PackedClassCost.spannedOneUse, PackedClassCost.directThreeGroups] {
            #expect(placements.contains(placement), "no out-of-order profile has a class placed as \(placement)")
        }
    }

    /// A class with a multi-cycle use, placed from one of a word's last cycles, must not take it
    /// when one of its pipes is busy in the next word's first cycle: shortcuts that look at one word
    /// miss that (random placements seldom set it up).
    @Test(arguments: CPUProfile.all.filter { $0.pipeline == .outOfOrder }.map(\.name))
    func spansReachIntoTheNextWord(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let spanned = Self.costs(of: profile).filter { $0.placement == PackedClassCost.spannedOneUse || $0.placement == PackedClassCost.directSpanned }
        #expect(!spanned.isEmpty)
        for var cost in spanned {
            for busyPipe in 0..<profile.pipes.count {
                for earliest: UInt64 in [62, 63] {
                    let schedules = SchedulePair(pipeCount: profile.pipes.count)
                    // Pipe `busyPipe` busy in cycle 64, the second word's first.
                    for buffer in [schedules.buffers.0, schedules.buffers.1] {
                        buffer[PipeSchedule.headerWords + PipeSchedule.wordBase(1) + PipeSchedule.pipeOffset(busyPipe)] = 1
                    }
                    let direct = withUnsafePointer(to: &cost) { schedules.direct.reserve($0, earliest: earliest) }
                    let searched = schedules.searched.reserveBySearch(cost, earliest: earliest)
                    #expect(direct == searched && schedules.agree,
                            "\(profileName): pipe \(busyPipe) busy at 64, placement \(cost.placement) from \(earliest): direct \(direct), search \(searched)")
                }
            }
        }
    }

    /// Random placements of every class with pipes, a few classes at a time so that their pipes
    /// fill up (placements then search past busy cycles, across words, as in pipe-bound code),
    /// from a dispatch cycle that moves on and forgets cycles behind it as the model's does.
    @Test(arguments: CPUProfile.all.filter { $0.pipeline == .outOfOrder }.map(\.name))
    func directPlacementsAgreeWithTheSearch(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let costs = Self.costs(of: profile).filter { $0.useCount > 0 }
        let schedules = SchedulePair(pipeCount: profile.pipes.count)
        var random = SplitMix64(seed: 0x5EED_0F_91BE)
        var dispatch: UInt64 = 0
        var classes: [PackedClassCost] = []
        for step in 0..<60_000 {
            if step % 1_500 == 0 {
                classes = (0..<Int.random(in: 1...3, using: &random)).map { _ in costs.randomElement(using: &random)! }
            }
            // Fewer dispatch cycles than placements: the chosen classes' pipes get busy ahead.
            if random.next() % 4 == 0 { dispatch += 1 }
            if random.next() % 2_000 == 0 { dispatch += random.next() % 300 }
            schedules.direct.forget(behind: dispatch)
            schedules.searched.forget(behind: dispatch)
            let earliest = dispatch + 1 + (random.next() % 8 == 0 ? random.next() % 200 : random.next() % 4)
            var cost = classes.randomElement(using: &random)!
            let direct = withUnsafePointer(to: &cost) { schedules.direct.reserve($0, earliest: earliest) }
            let searched = schedules.searched.reserveBySearch(cost, earliest: earliest)
            guard direct == searched, schedules.agree else {
                Issue.record("\(profileName): step \(step), placement \(cost.placement) from \(earliest): direct \(direct), search \(searched)\(schedules.agree ? "" : ", busy bits differ")")
                return
            }
        }
    }
}
