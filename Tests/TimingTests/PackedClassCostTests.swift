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
}
