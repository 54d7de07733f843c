import A64

/// An in-order, multi-issue pipeline (Cortex-A53 class).
///
/// Instructions issue in program order, up to the issue width in micro-ops per cycle. One waits
/// until its operands are ready (with the profile's forwarding), a pipe of each kind it needs is
/// free, and — as the in-order cores write results in program order — until its first result
/// would not be written before the last result of an earlier instruction. Branch mispredictions,
/// instruction cache misses and serialising instructions delay the front end; data cache misses
/// delay load results.
public struct InOrderCycleModel: CoreTimedCycleModel {
    var core: MicroarchitectureCore
    /// The cycle each pipe is free from (`LoopConstants.pipes`, which the loop reaches from its
    /// scoreboard register instead).
    private var pipeFreeAt: UnsafeMutablePointer<UInt64> { LoopConstants(at: core.modelArea).pipes }
    /// The cycle instructions are issuing in.
    private var issueCycle: UInt64 = 0
    /// Micro-op slots left in `issueCycle`.
    private var slotsLeft: UInt64
    /// The cycle by which every issued instruction has written its results.
    private var lastWriteBack: UInt64 = 0
    /// The cycle by which every issued instruction has completed.
    private var completed: UInt64 = 0

    /// A cold pipeline for `profile`.
    public init(profile: CPUProfile) {
        // The loop's constants, then the cycle each pipe is free from (`LoopConstants.pipes`).
        core = MicroarchitectureCore(profile: profile, modelWords: LoopConstants.words + profile.pipes.count)
        let width = UInt64(profile.issueWidth.value)
        slotsLeft = width
        _ = LoopConstants(at: core.modelArea, width: width, writesBackInOrder: profile.inOrderWriteback.value,
                          missLatency: core.missLatency, mispredictPenalty: core.mispredictPenalty,
                          forwardingRoles: core.forwardingRoles, forwardingRows: core.forwardingRows)
    }

    public var profile: CPUProfile { core.profile }

    /// Retires a run of instructions in order, with the pipeline's scalar state in locals and its
    /// constants and pipes reached from the scoreboard.
    public mutating func retire(_ batch: RetiredBatch) {
        var data = batch.dataAddresses
        let costs = core.costs
        let scoreboard = core.scoreboard
        let constants = LoopConstants(at: scoreboard + MicroarchitectureCore.scoreboardWords)
        let pipes = constants.pipes
        var issueCycle = self.issueCycle, slotsLeft = self.slotsLeft
        var lastWriteBack = self.lastWriteBack, completed = self.completed
        var fetchReady = core.fetchReady
        var lastFetchLine = core.lastFetchLine
        let instructionsBefore = core.counters.instructions
        let fetchLineShift = CacheModel.lineShift
        defer {
            self.issueCycle = issueCycle
            self.slotsLeft = slotsLeft
            self.lastWriteBack = lastWriteBack
            self.completed = completed
            core.fetchReady = fetchReady
            core.lastFetchLine = lastFetchLine
            core.counters.instructions = instructionsBefore &+ UInt64(data - batch.dataAddresses)
            core.counters.cycles = completed
        }

        let fetchLineMask: UInt64 = (1 &<< fetchLineShift) &- 1
        /// The PC bits that must be zero for the next instruction's line to be looked up: the
        /// line's offset bits, or none (every PC) once an invalidation made the last line unknown.
        var lookupMask = fetchLineMask
        /// Looks up instruction-cache line `line` for the next instruction to issue.
        @inline(__always)
        func fetch(line: UInt64) {
            lastFetchLine = line
            lookupMask = fetchLineMask
            if core.fetchMisses(line: line) { fetchReady = max(fetchReady, issueCycle) &+ constants.missLatency }
        }

        for run in batch.runs {
          var instruction = run.instruction
          var pc = run.pc
          let last = instruction + (run.count &- 1)
          // Fetch: a new instruction-cache line is looked up; a miss delays the front end. Within a
          // run the line changes only where the PC crosses into the next one, or is looked up again
          // after an invalidation (tested at the bottom of the loop, before the next instruction
          // issues, as here).
          if pc &>> fetchLineShift != lastFetchLine { fetch(line: pc &>> fetchLineShift) }
          while true {
            // The class cost is read where needed, through a pointer (not copied into registers up front).
            let cost = costs + Int(instruction.pointee.timingClass.rawValue)
            let flags = cost.pointee.flags

            let width = constants.width
            var cycle = max(issueCycle, fetchReady)
            if cycle > issueCycle { issueCycle = cycle; slotsLeft = width }
            let microOps = UInt64(cost.pointee.microOps)
            if slotsLeft < microOps && microOps <= width {
                issueCycle &+= 1
                slotsLeft = width
                cycle = issueCycle
            }
            cycle = UInt64(bitPattern: max(Int64(bitPattern: cycle), MicroarchitectureCore.operandsReadySigned(
                instruction, scoreboard: scoreboard, forwardingRows: constants.forwardingRows,
                forwardingRoles: constants.forwardingRoles)))
            if _slowPath(flags & PackedClassCost.serialising != 0) { cycle = max(cycle, completed) }
            // Pipes: each use takes the pipe of its kinds that frees up first. Most classes have
            // one use; the others go through `earliestPipes` here and `occupyPipes` below.
            let useCount = cost.pointee.useCount
            /// The first use's pipe, and for classes of several uses the second's in bits 8 and up
            /// (one register where most classes need one pipe).
            var chosen = 0
            if _fastPath(useCount == 1) {
                let (pipe, free) = Self.earliestPipe(cost.pointee.pipes.0, in: pipes)
                chosen = pipe
                cycle = max(cycle, free)
            } else if useCount > 1 {
                (chosen, cycle) = earliestPipes(cost, from: cycle)
            }
            let span = cost.pointee.writebackSpan(of: instruction)
            if constants.writesBackInOrder, lastWriteBack > cycle &+ span.first { cycle = lastWriteBack &- span.first }
            var extra: UInt64 = 0
            if flags & PackedClassCost.accessesMemory != 0 {
                extra = core.accessDataCache(bytes: instruction.pointee.accessBytes, isLoad: flags & PackedClassCost.isLoad != 0,
                                             address: data.pointee)
            } else if _slowPath(flags & PackedClassCost.maintainsCaches != 0), instruction.pointee.cacheOperation != .none {
                // The next instruction's line is looked up again (below, or at the next run's start).
                if core.applyCacheMaintenance(instruction.pointee.cacheOperation, address: data.pointee) {
                    lastFetchLine = .max
                    lookupMask = 0
                }
            }

            if cycle > issueCycle { issueCycle = cycle; slotsLeft = constants.width }
            if microOps <= slotsLeft {
                slotsLeft &-= microOps
            } else {
                let width = constants.width
                let over = microOps &- slotsLeft
                let extraCycles = (over &+ width &- 1) / width
                issueCycle &+= extraCycles
                slotsLeft = extraCycles &* width &- over
            }
            if _fastPath(useCount == 1) {
                pipes[chosen] = cycle &+ UInt64(cost.pointee.busyCycles.0)
            } else if useCount > 1 {
                occupyPipes(cost, chosen, at: cycle)
            }

            MicroarchitectureCore.writeResults(instruction, issue: cycle, cost: cost, extra: extra, scoreboard: scoreboard)
            // The issuing instruction's full latency, results or not, bounds the next one's writeback.
            lastWriteBack = max(lastWriteBack, cycle &+ span.last &+ extra)
            var complete = cycle &+ UInt64(cost.pointee.latency) &+ extra
            if _slowPath(flags & PackedClassCost.serialising != 0) {
                complete = cycle &+ UInt64(cost.pointee.serialisation)
                fetchReady = max(fetchReady, complete)
            }
            completed = max(completed, complete)
            data += 1
            if instruction == last {
                // Every branch ends its block, so only a run's last instruction can be one.
                if flags & PackedClassCost.usesPredictor != 0, core.branchMispredicted(flags: flags, pc: pc, nextPC: run.nextPC) {
                    fetchReady = max(fetchReady, cycle &+ UInt64(cost.pointee.latency) &+ constants.mispredictPenalty)
                }
                break
            }
            instruction += 1
            pc &+= 4
            if pc & lookupMask == 0 { fetch(line: pc &>> fetchLineShift) }
          }
        }
    }

    /// The pipes of a class of several uses and the first cycle from `cycle` they are all free in:
    /// each use takes the pipe of its kinds that frees up first, the second use another pipe than
    /// the first where its kinds offer one. (A third or fourth use's pipe is chosen again when the
    /// pipes are occupied, in `occupyPipes`.)
    @inline(never)
    private func earliestPipes(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64) -> (chosen: Int, cycle: UInt64) {
        var use0 = 0, use1 = 0, cycle = cycle
        for index in 0..<Int(cost.pointee.useCount) {
            let (pipe, free) = Self.earliestPipe(cost.pointee.pipeMask(index), excluding: index == 1 ? use0 : -1, in: pipeFreeAt)
            if index == 0 { use0 = pipe } else if index == 1 { use1 = pipe }
            cycle = max(cycle, free)
        }
        return (use0 | use1 << 8, cycle)
    }

    /// Marks the pipes of a class of several uses busy from `cycle`: the first two uses in the
    /// pipes `earliestPipes` chose, any further use in the pipe of its kinds that frees up first
    /// by then.
    @inline(never)
    private func occupyPipes(_ cost: UnsafePointer<PackedClassCost>, _ chosen: Int, at cycle: UInt64) {
        let use0 = chosen & 0xFF, use1 = chosen >> 8
        for index in 0..<Int(cost.pointee.useCount) {
            let pipe = index == 0 ? use0 : index == 1 ? use1
                : Self.earliestPipe(cost.pointee.pipeMask(index), excluding: -1, in: pipeFreeAt).pipe
            pipeFreeAt[pipe] = cycle &+ UInt64(cost.pointee.busy(index))
        }
    }

    /// `earliestPipe(mask, excluding: -1, in: pipeFreeAt)` for one use: the lowest-numbered of the
    /// pipes that free up first is the first candidate unless a later one frees up strictly earlier.
    @inline(__always)
    private static func earliestPipe(_ mask: UInt16, in pipeFreeAt: UnsafeMutablePointer<UInt64>) -> (pipe: Int, free: UInt64) {
        guard _fastPath(mask != 0) else { return (0, 0) }
        var best = mask.trailingZeroBitCount
        var bestFree = pipeFreeAt[best]
        var candidates = mask & (mask &- 1)
        while candidates != 0 {
            let pipe = candidates.trailingZeroBitCount
            candidates &= candidates &- 1
            if pipeFreeAt[pipe] < bestFree { bestFree = pipeFreeAt[pipe]; best = pipe }
        }
        return (best, bestFree)
    }

    /// The pipe of `mask` (other than `excluded`) that frees up first in `pipeFreeAt`, and when.
    @inline(__always)
    private static func earliestPipe(_ mask: UInt16, excluding excluded: Int,
                                     in pipeFreeAt: UnsafeMutablePointer<UInt64>) -> (pipe: Int, free: UInt64) {
        var best = -1
        var bestFree = UInt64.max
        var candidates = mask
        while candidates != 0 {
            let pipe = candidates.trailingZeroBitCount
            candidates &= candidates - 1
            if pipe == excluded && mask.nonzeroBitCount > 1 { continue }
            if pipeFreeAt[pipe] < bestFree { bestFree = pipeFreeAt[pipe]; best = pipe }
        }
        return (max(best, 0), best < 0 ? 0 : bestFree)
    }

    /// The loop's constants, kept in words of the core's model area before the pipes' free
    /// cycles, so that the loop reloads them where used from the scoreboard's register instead
    /// of holding them in registers of their own and spilling them.
    private struct LoopConstants {
        static let words = 6
        let base: UnsafeMutablePointer<UInt64>

        init(at base: UnsafeMutablePointer<UInt64>) {
            self.base = base
        }

        init(at base: UnsafeMutablePointer<UInt64>, width: UInt64, writesBackInOrder: Bool, missLatency: UInt64,
             mispredictPenalty: UInt64, forwardingRoles: UInt16, forwardingRows: UnsafeMutablePointer<UInt64>) {
            self.base = base
            base[0] = width
            base[1] = writesBackInOrder ? 1 : 0
            base[2] = missLatency
            base[3] = mispredictPenalty
            base[4] = UInt64(forwardingRoles)
            base[5] = UInt64(UInt(bitPattern: forwardingRows))
        }

        /// The cycle each pipe is free from, one word per pipe after the constants.
        var pipes: UnsafeMutablePointer<UInt64> { base + Self.words }
        var width: UInt64 { base[0] }
        var writesBackInOrder: Bool { base[1] != 0 }
        var missLatency: UInt64 { base[2] }
        var mispredictPenalty: UInt64 { base[3] }
        var forwardingRoles: UInt16 { UInt16(truncatingIfNeeded: base[4]) }
        var forwardingRows: UnsafeMutablePointer<UInt64> {
            UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: base[5])).unsafelyUnwrapped
        }
    }

    public mutating func exceptionTaken(from pc: UInt64, to vector: UInt64) {
        completed = core.exceptionEntered(drainedAt: max(completed, issueCycle))
    }
}
