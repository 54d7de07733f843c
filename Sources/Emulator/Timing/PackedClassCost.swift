import A64

/// A class cost flattened for the hot path: fixed fields, no arrays, plus the event cost that the
/// profile attaches to serialising classes.
struct PackedClassCost {
    /// Scoreboard words (see `MicroarchitectureCore.scoreboard`) of this class's results relative
    /// to the issue cycle: latency shifted left by six with the producer kind times eight; for the
    /// primary result, the second result and the written-back base (whose kind is 0).
    var resultWord: UInt64 = 1 << 6
    var secondResultWord: UInt64 = 1 << 6
    var writebackWord: UInt64 = 1 << 6
    var microOps: UInt8 = 1
    /// The most micro-ops a dispatch group may hold once this class has joined it: the profile's
    /// issue width, or the class's micro-ops where they are more (such a class closes a group that
    /// is not empty, and spills from its own into the cycles after). The out-of-order model closes
    /// a group by one comparison with it, where the width alone also needed the group's emptiness
    /// tested (measured: cortex-a72 host instructions per guest instruction, suite mix 225.2 ->
    /// 221.1, mix loop 204.6 -> 200.6).
    var dispatchGroupLimit: UInt8 = 1
    var latency: UInt8 = 1
    var secondLatency: UInt8 = 1
    var writebackLatency: UInt8 = 1
    var useCount: UInt8 = 0
    var pipes: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
    var busyCycles: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    /// Cycles the instruction takes after every earlier instruction has completed; 0 for classes
    /// that do not wait for the pipeline to drain.
    var serialisation: UInt16 = 0
    /// What a result of this class forwards as: 0 none, 1 integer pipeline, 2 multiply.
    var producerKind: UInt8 = 0
    /// What the class does beyond issuing and completing: `accessesMemory`, `isLoad`, `serialising`,
    /// `maintainsCaches`, and what it asks of the branch predictor (`usesPredictor`).
    var flags: UInt8 = 0

    static let accessesMemory: UInt8 = 1
    static let isLoad: UInt8 = 2
    /// A conditional branch: the direction predictor is asked.
    static let predictsDirection: UInt8 = 4
    /// `serialisation` > 0.
    static let serialising: UInt8 = 8
    /// Data or instruction cache maintenance (the instruction's `cacheOperation` says which).
    static let maintainsCaches: UInt8 = 16
    /// An indirect branch or call: the branch target buffer is asked.
    static let predictsTarget: UInt8 = 32
    /// A call: the return address is pushed.
    static let pushesReturn: UInt8 = 64
    /// A return: the predicted return address is popped.
    static let popsReturn: UInt8 = 128
    /// Any of the predictor's bits (an unconditional direct branch has none: it cannot mispredict).
    /// Worked out per class once, so that the models test bits instead of switching on the class
    /// (measured against the switch, a jump table, in one process: cortex-a72 suite mix 0.951 and 0.972
    /// of the time, mix loop 0.929 and 0.976).
    static let usesPredictor = predictsDirection | predictsTarget | pushesReturn | popsReturn

    /// When the uses fall into at most two groups of identical pipe kinds (at most three pipes
    /// each), disjoint from each other, each group one use (any pipe of its kinds free for the use's
    /// cycles will do) or as many uses as it has pipes (all must be free), every use of a group busy
    /// for the same number of cycles (at most 64), a cycle suits the class exactly when each group's
    /// condition holds. `PipeSchedule` then evaluates the condition for 64 cycles at once without
    /// branching: `directRows` are the groups' pipes (three per group, repeated to fill, the
    /// schedule's always-free row for an absent group), `directNeedsAll0/1` are all ones for a
    /// group that needs all its pipes and `directSpan0/1` are the groups' busy cycles.
    var isDirect = false
    /// The rows' offsets in the schedule's bit array (`PipeSchedule.pipeOffset`).
    var directRows: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0)
    var directNeedsAll0: UInt64 = 0
    var directNeedsAll1: UInt64 = 0
    var directSpan0: UInt8 = 1
    var directSpan1: UInt8 = 1
    /// Whether the direct placement has one group only (the second's rows are the free row).
    var directSingleGroup = false
    /// A third group's rows and "needs all" mask, for `directThreeGroups` (a store with writeback
    /// on Neoverse N1: its address, data and base-update uses are three pipe kinds).
    var directRows2: (UInt16, UInt16, UInt16) = (0, 0, 0)
    var directNeedsAll2: UInt64 = 0
    /// How `PipeSchedule` places the class: `noPipes`; placed directly with every use busy for one
    /// cycle, `directOneUseTwoRows` (one use: any free pipe of a group of one or two, whose third
    /// row repeats the second) or `directOneUse` (one use: any free pipe of a group of three),
    /// `direct` (anything else of up to two groups) or `directThreeGroups` (three groups, out of
    /// line); placed directly with some use busy for several cycles, `spannedOneUse` (one use: a
    /// store pair, a divide) or `directSpanned` (anything else); or `searched`.
    var placement: UInt8 = PackedClassCost.noPipes
    /// For an in-order core that writes results in program order: the cycles after issue of the
    /// earliest result write (`writebackFirst`) and of the latest result write or the class's latency,
    /// whichever is later (`writebackLast`), in byte `shape` for an instruction whose
    /// `TimedInstruction.resultShape >> 1 & 3` is `shape` (bit 0 a second result, bit 1 a written
    /// base). The primary latency counts whether the instruction has a result or not.
    var writebackFirst: UInt32 = 0x0101_0101
    var writebackLast: UInt32 = 0x0101_0101
    /// Pads the stride to 128 bytes, so that a class's row is found by a shift rather than a multiply.
    private var padding: UInt64 = 0

    static let noPipes: UInt8 = 0
    /// `directOneUse` and `directOneUseTwoRows` differ in bit 0 only, so that one test finds both.
    static let directOneUse: UInt8 = 9
    static let direct: UInt8 = 2
    static let directSpanned: UInt8 = 3
    static let searched: UInt8 = 4
    static let spannedOneUse: UInt8 = 5
    static let directThreeGroups: UInt8 = 6
    static let directOneUseTwoRows: UInt8 = 8

    /// `writebackFirst` and `writebackLast` for `instruction`.
    @inline(__always)
    func writebackSpan(of instruction: UnsafePointer<TimedInstruction>) -> (first: UInt64, last: UInt64) {
        let shift = UInt32(instruction.pointee.resultShape & 6) &<< 2
        return (UInt64((writebackFirst &>> shift) & 0xFF), UInt64((writebackLast &>> shift) & 0xFF))
    }

    @inline(__always)
    func pipeMask(_ index: Int) -> UInt16 {
        switch index {
        case 0: return pipes.0
        case 1: return pipes.1
        case 2: return pipes.2
        default: return pipes.3
        }
    }

    @inline(__always)
    func busy(_ index: Int) -> UInt8 {
        switch index {
        case 0: return busyCycles.0
        case 1: return busyCycles.1
        case 2: return busyCycles.2
        default: return busyCycles.3
        }
    }

    init() {}

    init(_ cost: ClassCost, timingClass: TimingClass, profile: CPUProfile) {
        let freeRow = UInt8(profile.pipes.count) // PipeSchedule's row that is never busy
        microOps = cost.microOps
        dispatchGroupLimit = UInt8(clamping: max(profile.issueWidth.value, Int(cost.microOps)))
        latency = cost.latency
        secondLatency = cost.secondLatency
        writebackLatency = cost.writebackLatency
        useCount = UInt8(cost.uses.count)
        let masks = cost.uses.map(\.pipes) + [0, 0, 0, 0]
        let cycles = cost.uses.map(\.cycles) + [0, 0, 0, 0]
        pipes = (masks[0], masks[1], masks[2], masks[3])
        busyCycles = (cycles[0], cycles[1], cycles[2], cycles[3])
        switch timingClass {
        case .instructionSynchronizationBarrier: serialisation = UInt16(profile.instructionBarrier.value)
        case .dataSynchronizationBarrier: serialisation = UInt16(profile.dataSynchronizationBarrier.value)
        case .dataMemoryBarrier: serialisation = UInt16(profile.dataMemoryBarrier.value)
        case .systemRegisterWrite: serialisation = UInt16(profile.systemRegisterWrite.value)
        case .dataCacheMaintenance: serialisation = UInt16(profile.dataCacheMaintenance.value)
        case .instructionCacheMaintenance: serialisation = UInt16(profile.instructionCacheMaintenance.value)
        case .exceptionReturn: serialisation = UInt16(profile.exceptionReturn.value)
        case .systemRegisterRead: latency = UInt8(profile.systemRegisterRead.value)
        default: break
        }
        // Group the uses by pipe kinds for direct placement (see `isDirect`).
        var threeGroups = false
        if !cost.uses.isEmpty, cost.uses.count <= 4,
           cost.uses.allSatisfy({ (1...64).contains($0.cycles) && $0.pipes != 0 }) {
            var groups: [(mask: UInt16, count: Int, span: UInt8)] = []
            var uniformSpans = true
            for use in cost.uses {
                if let index = groups.firstIndex(where: { $0.mask == use.pipes }) {
                    groups[index].count += 1
                    if groups[index].span != use.cycles { uniformSpans = false }
                } else {
                    groups.append((use.pipes, 1, use.cycles))
                }
            }
            var disjoint = true
            for a in groups.indices {
                for b in groups.indices where a < b && groups[a].mask & groups[b].mask != 0 { disjoint = false }
            }
            // Three groups only where every use is busy for one cycle.
            let expressible = (groups.count <= 2 || (groups.count == 3 && groups.allSatisfy { $0.span == 1 })) && uniformSpans
                && groups.allSatisfy { ($0.count == 1 || $0.count == $0.mask.nonzeroBitCount) && $0.mask.nonzeroBitCount <= 3 }
            if disjoint && expressible {
                func rows(_ mask: UInt16) -> [UInt16] {
                    var pipes = (0..<16).filter { mask & (1 << UInt16($0)) != 0 }.map(UInt16.init)
                    while pipes.count < 3 { pipes.append(pipes.last ?? UInt16(freeRow)) }
                    return pipes.map { UInt16(PipeSchedule.pipeOffset(Int($0))) }
                }
                let first = rows(groups[0].mask)
                let free = UInt16(PipeSchedule.pipeOffset(Int(freeRow)))
                let second = groups.count > 1 ? rows(groups[1].mask) : [free, free, free]
                directRows = (first[0], first[1], first[2], second[0], second[1], second[2])
                directNeedsAll0 = groups[0].count > 1 ? ~0 : 0
                directNeedsAll1 = groups.count > 1 && groups[1].count > 1 ? ~0 : 0
                directSpan0 = groups[0].span
                directSpan1 = groups.count > 1 ? groups[1].span : 1
                directSingleGroup = groups.count == 1
                if groups.count == 3 {
                    threeGroups = true
                    let third = rows(groups[2].mask)
                    directRows2 = (third[0], third[1], third[2])
                    directNeedsAll2 = groups[2].count > 1 ? ~0 : 0
                }
                isDirect = true
            }
        }
        if timingClass.accessesMemory { flags |= Self.accessesMemory }
        if timingClass.isLoad { flags |= Self.isLoad }
        switch timingClass {
        case .branchConditional, .compareAndBranch: flags |= Self.predictsDirection
        case .call: flags |= Self.pushesReturn
        case .callIndirect: flags |= Self.predictsTarget | Self.pushesReturn
        case .branchIndirect: flags |= Self.predictsTarget
        case .functionReturn: flags |= Self.popsReturn
        default: break
        }
        if serialisation > 0 { flags |= Self.serialising }
        if timingClass == .dataCacheMaintenance || timingClass == .instructionCacheMaintenance { flags |= Self.maintainsCaches }
        placement = cost.uses.isEmpty ? Self.noPipes : !isDirect ? Self.searched
            : threeGroups ? Self.directThreeGroups
            : directSpan0 > 1 || directSpan1 > 1 ? (cost.uses.count == 1 ? Self.spannedOneUse : Self.directSpanned)
            : cost.uses.count == 1 ? (directRows.2 == directRows.1 ? Self.directOneUseTwoRows : Self.directOneUse)
            : Self.direct
        if timingClass.isMultiply {
            producerKind = 2
        } else if timingClass.isIntegerExecute && timingClass != .extract && timingClass != .rotateImmediate {
            producerKind = 1
        }
        writebackFirst = 0
        writebackLast = 0
        for shape in 0..<4 {
            let second = shape & 1 != 0 ? secondLatency : latency
            let written = shape & 2 != 0 ? writebackLatency : latency
            writebackFirst |= UInt32(min(latency, second, written)) << (8 * shape)
            writebackLast |= UInt32(max(latency, second, written)) << (8 * shape)
        }
        resultWord = UInt64(latency) << 6 | UInt64(producerKind) << 3
        secondResultWord = UInt64(secondLatency) << 6 | UInt64(producerKind) << 3
        writebackWord = UInt64(writebackLatency) << 6
    }
}
