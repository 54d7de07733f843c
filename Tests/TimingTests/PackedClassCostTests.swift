import A64
@testable import Emulator
import Testing

@Suite struct PackedClassCostTests {
    /// The models find a class's row by shifting its number (`costs + timingClass.rawValue`), which
    /// stays a shift only while the stride is a power of two: a field added beyond the padding would
    /// quietly turn it back into a multiply on every instruction.
    @Test func rowsAreOneHundredAndTwentyEightBytes() {
        #expect(MemoryLayout<PackedClassCost>.stride == 128)
    }

    /// The models ask the branch predictor by the row's bits, not by the class: every branch class
    /// but the unconditional direct one must carry the bits of what it predicts, and nothing else
    /// any. (A branch class added to `TimingClass` without bits would never mispredict.)
    @Test(arguments: CPUProfile.all.map(\.name))
    func predictorBitsFollowTheBranchKind(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let direction = PackedClassCost.predictsDirection, target = PackedClassCost.predictsTarget
        let push = PackedClassCost.pushesReturn, pop = PackedClassCost.popsReturn
        let expected: [TimingClass: UInt8] = [
            .branchConditional: direction, .compareAndBranch: direction, .call: push,
            .callIndirect: target | push, .branchIndirect: target, .functionReturn: pop,
        ]
        for timingClass in TimingClass.allCases {
            let cost = PackedClassCost(profile.cost(of: timingClass), timingClass: timingClass, profile: profile)
            let bits = cost.flags & PackedClassCost.usesPredictor
            #expect(bits == expected[timingClass, default: 0], "\(timingClass)")
            #expect((bits != 0) == (timingClass.isBranch && timingClass != .branch), "\(timingClass)")
        }
    }

    /// The in-order model reads an instruction's writeback span from its class's row by the
    /// instruction's result shape. Each span must be the one the definition gives: the earliest
    /// result write is the earliest of the primary latency (result or not), the second result's and
    /// the written base's where they exist; the latest bound the latest of the same.
    @Test(arguments: CPUProfile.all.map(\.name))
    func writebackSpansFollowTheResultsWritten(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        for timingClass in TimingClass.allCases {
            let cost = PackedClassCost(profile.cost(of: timingClass), timingClass: timingClass, profile: profile)
            for shape in UInt8(0)..<8 {
                var instruction = TimedInstruction(Decoder.decode(0xD503_201F, at: 0)) // NOP
                instruction.resultShape = shape
                var first = UInt64(cost.latency), last = UInt64(cost.latency)
                if instruction.hasSecondResult {
                    first = min(first, UInt64(cost.secondLatency)); last = max(last, UInt64(cost.secondLatency))
                }
                if instruction.hasWrittenBase {
                    first = min(first, UInt64(cost.writebackLatency)); last = max(last, UInt64(cost.writebackLatency))
                }
                let span = withUnsafePointer(to: instruction) { cost.writebackSpan(of: $0) }
                #expect(span.first == first && span.last == last, "\(profileName) \(timingClass) shape \(shape)")
            }
        }
    }
}
