/// Conditional predictor, branch target buffer and return-address stack over fixed buffers.
///
/// The conditional predictor is a table of two-bit saturating counters indexed by the branch
/// address hashed with recent global history (gshare), a stand-in for the cores' undisclosed
/// predictors that learns loops and biased branches as they do. The BTB predicts the targets of
/// indirect branches by address. The return-address stack is pushed by BL/BLR and popped by RET,
/// so a return whose target was rewritten (kretprobes, the graph tracer) mispredicts.
struct BranchPredictor {
    private let counters: UnsafeMutablePointer<UInt8>
    private let counterMask: UInt64
    private let historyMask: UInt64
    private var history: UInt64 = 0
    private let targetTags: UnsafeMutablePointer<UInt64>
    private let targets: UnsafeMutablePointer<UInt64>
    private let targetEntries: UInt64
    /// `targetEntries - 1` when that is a power of two (the index is then a mask, not a division).
    private let targetMask: UInt64
    private let returnStack: UnsafeMutablePointer<UInt64>
    private let returnStackDepth: Int
    private var returnStackTop = 0
    private var returnStackCount = 0

    init(profile: CPUProfile, storage: TimingStorage) {
        let counterCount = profile.conditionalPredictorEntries.value
        precondition(counterCount > 0 && counterCount & (counterCount - 1) == 0, "predictor size must be a power of two")
        counters = storage.bytes(counterCount)
        counterMask = UInt64(counterCount - 1)
        historyMask = (1 << UInt64(profile.globalHistoryBits.value)) - 1
        targetEntries = UInt64(profile.branchTargetBufferEntries.value)
        targetMask = targetEntries & (targetEntries &- 1) == 0 ? targetEntries &- 1 : 0
        targetTags = storage.words(Int(targetEntries))
        targets = storage.words(Int(targetEntries))
        returnStackDepth = profile.returnStackDepth.value
        returnStack = storage.words(returnStackDepth)
        reset()
    }

    /// Forgets everything learnt: counters weakly not-taken, empty BTB and return stack.
    mutating func reset() {
        counters.update(repeating: 1, count: Int(counterMask + 1))
        targetTags.update(repeating: 0, count: Int(targetEntries))
        targets.update(repeating: 0, count: Int(targetEntries))
        history = 0
        returnStackTop = 0
        returnStackCount = 0
    }

    /// Predicts the conditional branch at `pc`, learns its outcome and reports a misprediction.
    @inline(__always)
    mutating func conditionalMispredicted(pc: UInt64, taken: Bool) -> Bool {
        let index = counterIndex(pc: pc, history: history)
        let counter = counters[index]
        let predictedTaken = counter >= 2
        if taken {
            if counter < 3 { counters[index] = counter + 1 }
        } else if counter > 0 {
            counters[index] = counter - 1
        }
        history = (history &<< 1) | (taken ? 1 : 0)
        return predictedTaken != taken
    }

    /// The conditional counter for the branch at `pc` after `history`.
    @inline(__always)
    private func counterIndex(pc: UInt64, history: UInt64) -> Int {
        Int(truncatingIfNeeded: ((pc &>> 2) ^ (history & historyMask)) & counterMask)
    }

    /// The BTB entry for the branch at `pc`.
    @inline(__always)
    private func targetIndex(pc: UInt64) -> Int {
        Int(truncatingIfNeeded: targetMask != 0 ? (pc &>> 2) & targetMask : (pc &>> 2) % targetEntries)
    }

    /// Predicts the target of the indirect branch at `pc` from the BTB, learns `target`, and
    /// reports a misprediction.
    @inline(__always)
    mutating func indirectMispredicted(pc: UInt64, target: UInt64) -> Bool {
        let index = targetIndex(pc: pc)
        let hit = targetTags[index] == pc &+ 1 && targets[index] == target
        targetTags[index] = pc &+ 1
        targets[index] = target
        return !hit
    }

    /// Pushes a return address (BL, BLR); the oldest entry is lost when the stack is full.
    @inline(__always)
    mutating func pushReturn(_ address: UInt64) {
        returnStackTop = returnStackTop &+ 1 == returnStackDepth ? 0 : returnStackTop &+ 1
        returnStack[returnStackTop] = address
        if returnStackCount < returnStackDepth { returnStackCount &+= 1 }
    }

    /// Pops the predicted return address for a RET to `target` and reports a misprediction
    /// (a wrong prediction, or an empty stack).
    @inline(__always)
    mutating func returnMispredicted(target: UInt64) -> Bool {
        guard returnStackCount > 0 else { return true }
        let predicted = returnStack[returnStackTop]
        returnStackTop = returnStackTop == 0 ? returnStackDepth &- 1 : returnStackTop &- 1
        returnStackCount &-= 1
        return predicted != target
    }

    // MARK: Looking ahead

    /// Words per branch in `predictsCorrectly`'s list: its PC, where it went on to, its class's
    /// flags (`PackedClassCost.flags`).
    static let branchWords = 3
    /// Words of `predictsCorrectly`'s overlay per branch: one return stack slot and its address.
    static let overlayWordsPerBranch = 2

    /// Whether the `count` branches in `branches`, predicted in order as
    /// `MicroarchitectureCore.branchMispredicted` predicts them, would all be predicted correctly;
    /// learns nothing. Up to the first misprediction only the history and the return stack change
    /// what later branches are predicted from: a correctly predicted conditional branch moves its
    /// counter further the way it predicted (2 or 3 to 3, 1 or 0 to 0), and a correctly predicted
    /// indirect branch writes its BTB entry as it was. So the later branches read the history and the return stack as the earlier
    /// ones leave them (the slots pushed in `overlay`), the counters and the BTB as they are.
    func predictsCorrectly(_ branches: UnsafePointer<UInt64>, count: Int, overlay: UnsafeMutablePointer<UInt64>) -> Bool {
        var history = self.history
        var top = returnStackTop, stacked = returnStackCount
        var pushed = 0
        for branch in 0..<count {
            let pc = branches[branch &* Self.branchWords], next = branches[branch &* Self.branchWords &+ 1]
            let flags = UInt8(truncatingIfNeeded: branches[branch &* Self.branchWords &+ 2])
            if flags & PackedClassCost.predictsDirection != 0 {
                let taken = next != pc &+ 4
                if (counters[counterIndex(pc: pc, history: history)] >= 2) != taken { return false }
                history = (history &<< 1) | (taken ? 1 : 0)
                continue
            }
            // (A return that also read the BTB and missed would change it: refused, though no class does both.)
            if flags & PackedClassCost.predictsTarget != 0 {
                let index = targetIndex(pc: pc)
                if targetTags[index] != pc &+ 1 || targets[index] != next { return false }
            }
            if flags & PackedClassCost.popsReturn != 0 {
                guard stacked > 0 else { return false }
                var predicted = returnStack[top]
                var slot = pushed
                while slot > 0 {
                    slot &-= 1
                    if overlay[2 &* slot] == UInt64(top) { predicted = overlay[2 &* slot &+ 1]; break }
                }
                if predicted != next { return false }
                top = top == 0 ? returnStackDepth &- 1 : top &- 1
                stacked &-= 1
            }
            if flags & PackedClassCost.pushesReturn != 0 {
                top = top &+ 1 == returnStackDepth ? 0 : top &+ 1
                overlay[2 &* pushed] = UInt64(top)
                overlay[2 &* pushed &+ 1] = pc &+ 4
                pushed &+= 1
                if stacked < returnStackDepth { stacked &+= 1 }
            }
        }
        return true
    }
}
