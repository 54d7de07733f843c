@testable import Emulator
import Testing
import TestSupport

/// `BranchPredictor.predictsCorrectly` says a sequence of branches would all be predicted
/// correctly exactly when predicting them one by one (`MicroarchitectureCore.branchMispredicted`)
/// mispredicts none, and learns nothing: on sequences of conditional branches, indirect branches,
/// calls and returns at addresses chosen so that they share counters, BTB entries and return
/// stack slots.
@Suite struct BranchPredictorLookaheadTests {
    static let base: UInt64 = 0x4000_0000
    static let kinds: [UInt8] = [PackedClassCost.predictsDirection, PackedClassCost.predictsTarget,
                                 PackedClassCost.pushesReturn, PackedClassCost.predictsTarget | PackedClassCost.pushesReturn,
                                 PackedClassCost.popsReturn]

    @Test(arguments: ["cortex-a72", "neoverse-n1"])
    func lookaheadAgreesWithPredicting(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        // Two cores trained alike; only the first looks ahead, so if looking ahead learnt anything
        // their predictions would part.
        var looking = MicroarchitectureCore(profile: profile)
        var plain = MicroarchitectureCore(profile: profile)
        let overlay = UnsafeMutablePointer<UInt64>.allocate(capacity: BranchPredictor.overlayWordsPerBranch * 8)
        defer { overlay.deallocate() }
        let btbEntries = UInt64(profile.branchTargetBufferEntries.value)
        // Addresses a few words apart, and others a BTB's size away from them.
        var sites: [UInt64] = []
        for word in 0..<UInt64(6) { sites += [Self.base + word * 4, Self.base + word * 4 + btbEntries * 4] }
        var random = SplitMix64(seed: 0x10CA_7EAD)
        // A few fixed programs, repeated so that the predictor learns them, with noise.
        let programs: [[(pc: UInt64, flags: UInt8)]] = (0..<6).map { _ in
            (0..<Int.random(in: 1...8, using: &random)).map { _ in
                (sites.randomElement(using: &random)!, Self.kinds.randomElement(using: &random)!)
            }
        }
        var returns: [UInt64] = []
        var agreedCorrect = 0, agreedWrong = 0
        for _ in 0..<20_000 {
            let program = programs.randomElement(using: &random)!
            var words: [UInt64] = []
            for (pc, flags) in program {
                var next: UInt64
                switch flags {
                case PackedClassCost.predictsDirection:
                    next = random.next() % 4 == 0 ? pc + 4 : pc + 64
                case PackedClassCost.popsReturn:
                    next = returns.popLast() ?? pc + 8
                    if random.next() % 8 == 0 { next = pc + 12 }
                default:
                    next = random.next() % 6 == 0 ? pc + 128 : pc + 256
                }
                if flags & PackedClassCost.pushesReturn != 0 { returns.append(pc + 4) }
                if returns.count > 24 { returns.removeFirst() }
                words += [pc, next, UInt64(flags)]
            }
            let foreseen = words.withUnsafeBufferPointer {
                looking.predictor.predictsCorrectly($0.baseAddress!, count: program.count, overlay: overlay)
            }
            var mispredicted = false
            for branch in 0..<program.count {
                let flags = UInt8(words[branch * 3 + 2]), pc = words[branch * 3], next = words[branch * 3 + 1]
                let first = looking.branchMispredicted(flags: flags, pc: pc, nextPC: next)
                let second = plain.branchMispredicted(flags: flags, pc: pc, nextPC: next)
                #expect(first == second)
                mispredicted = mispredicted || first
            }
            #expect(foreseen == !mispredicted)
            if foreseen == !mispredicted { if foreseen { agreedCorrect += 1 } else { agreedWrong += 1 } }
        }
        #expect(looking.counters == plain.counters)
        // Both answers were met often.
        #expect(agreedCorrect > 2_000 && agreedWrong > 2_000, "\(agreedCorrect) all correct, \(agreedWrong) not")
    }
}
