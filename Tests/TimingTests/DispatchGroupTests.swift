import A64
import Emulator
import Testing

/// How the out-of-order model groups micro-ops for dispatch when a class has more of them than the
/// issue width (cortex-a72's store pair with writeback: four micro-ops, three a cycle). Such a class
/// starts a group of its own only when the current one is not empty, and spills into the cycles
/// after; a class that fits closes the group it does not fit in.
@Suite struct DispatchGroupTests {
    static let base: UInt64 = 0x4000_0000
    /// `stp x29, x30, [sp, #-16]!`: storePairWriteback, four micro-ops on cortex-a72.
    static let storePairWriteback: UInt32 = 0xA9BF_7BFD
    /// `nop`: one micro-op and no pipe, so that it cannot hold the store pair up but by dispatch.
    static let nop: UInt32 = 0xD503_201F

    /// The cycles a cold cortex-a72 takes for `words`, retired one after another from `base`.
    static func cycles(_ words: [UInt32]) throws -> UInt64 {
        let profile = try #require(CPUProfile.named("cortex-a72"))
        #expect(profile.issueWidth.value == 3 && profile.cost(of: .storePairWriteback).microOps == 4)
        var model = OutOfOrderCycleModel(profile: profile)
        for (index, word) in words.enumerated() {
            let pc = base + UInt64(index) * 4
            model.retire(TimedInstruction(Decoder.decode(word, at: pc)), pc: pc, nextPC: pc + 4,
                         dataAddress: 0x4010_0000)
        }
        return model.counters.cycles
    }

    /// Alone, the store pair dispatches in the first cycle (an empty group is not closed for it);
    /// after a NOP it waits for the next cycle (a group of one micro-op is). Closing the empty
    /// group too, or never closing one for a class wider than the width, would make the two take
    /// the same time (both tried).
    @Test func aClassWiderThanTheWidthClosesOnlyANonEmptyGroup() throws {
        let alone = try Self.cycles([Self.storePairWriteback])
        let afterANop = try Self.cycles([Self.nop, Self.storePairWriteback])
        #expect(afterANop == alone + 1, "alone \(alone), after a NOP \(afterANop)")
    }
}
