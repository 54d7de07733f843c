import A64

/// An out-of-order approximation (Cortex-A72 and Neoverse N1 class).
///
/// Instructions dispatch in program order, up to the dispatch width in micro-ops per cycle, into
/// a reorder window of the profile's size; each issues at the first cycle its operands are ready
/// and a pipe of each kind it needs is free (earlier gaps included, oldest first), completes after
/// its latency, and retires in order. Branch mispredictions redirect the front end after the branch
/// resolves; serialising instructions wait for everything before them to retire.
public struct OutOfOrderCycleModel: CoreTimedCycleModel {
    var core: MicroarchitectureCore
    private let width: UInt64
    private let window: UInt64
    /// Words of the reorder window's ring, the first of the core's model area (`retire` reaches it
    /// as `windowRetire`): by micro-op, the retire cycle of the instruction that dispatched the
    /// micro-op at each position (positions count every micro-op dispatched, modulo the ring size).
    /// Retire cycles are nondecreasing in program order (each is the running maximum), so of the
    /// entries an instruction must wait to leave the window, the youngest — the one holding the
    /// micro-op `window` positions before the instruction's last — retires last, and dispatch waits
    /// for it alone; an entry that left earlier retired no later than the dispatch cycle already is.
    private static let windowCapacity = 512
    /// Where the pipe schedule starts after the ring, in words. The buffer starts on a page, so
    /// this fixes which page offsets the schedule's rows share with the scoreboard and the ring;
    /// loads that share bits 11:0 with an in-flight store to another address wait for it on the
    /// host. Measured on the mix loop (cortex-a72, M instructions/s) with the ring then the
    /// schedule: gap 0: 60, 8: 89, 16: 80, 32: 88, 40: 56, 128: 60, 192: 89 (suite mix 45 at
    /// 192, 73 at 32). 32 was good on both streams and all profiles. (Those figures were taken
    /// before it was known that this machine also runs the same binary at about 60 or about 100M
    /// from one process to the next, so part of that spread may be the machine.) The gap holds the
    /// loop's scalars (`LoopScalars`) and, in its last words, the schedule's header.
    private static let scheduleOffset = windowCapacity + 32
    /// Micro-ops dispatched so far (the next micro-op's position).
    private var windowPosition: UInt64 = 0
    /// The cycle the current dispatch group enters the window.
    private var dispatchCycle: UInt64 = 0
    /// Micro-ops already in the current dispatch group.
    private var dispatchSlotsUsed: UInt64 = 0
    /// Retire cycle of the youngest instruction.
    private var lastRetire: UInt64 = 0

    /// Remembers how runs were timed and replays them (`RunTimingMemo`); off, every run is timed
    /// instruction by instruction (the same cycles, for tests to compare).
    private let remembersRuns: Bool
    private let memo: RunTimingMemo
    /// Runs retired from the memo so far (not a timing counter: it says how the cycles were worked
    /// out, not what they are).
    public private(set) var runsReplayed: UInt64 = 0

    /// A cold pipeline for `profile`.
    public init(profile: CPUProfile, remembersRuns: Bool = true) {
        // The window's ring, then the pipe schedule, after the scoreboard in one buffer.
        core = MicroarchitectureCore(profile: profile,
                                     modelWords: Self.scheduleOffset + PipeSchedule.words(pipeCount: profile.pipes.count))
        // The loop's scalars and the schedule's header sit between the ring and the schedule.
        precondition(LoopScalars.words + PipeSchedule.headerWords <= Self.scheduleOffset - Self.windowCapacity)
        // Sets up the schedule's header in the buffer; `retire` reaches it from the scoreboard.
        _ = PipeSchedule(pipeCount: profile.pipes.count, bits: core.modelArea + Self.scheduleOffset)
        self.remembersRuns = remembersRuns
        memo = RunTimingMemo(costs: core.costs, storage: core.storage, reorderWindow: profile.reorderWindow.value)
        width = UInt64(profile.issueWidth.value)
        window = UInt64(profile.reorderWindow.value)
        // The ring holds the window and the four positions an instruction writes (see `retire`)
        // without reaching an entry still to be read; every class occupies 1...4 positions.
        precondition(window >= 4 && window * 2 + 8 <= UInt64(Self.windowCapacity), "reorder window too large for the ring")
        for timingClass in TimingClass.allCases {
            let microOps = profile.cost(of: timingClass).microOps
            precondition(microOps >= 1 && microOps <= 4, "\(profile.name): \(timingClass) must dispatch 1 to 4 micro-ops")
        }
    }

    public var profile: CPUProfile { core.profile }

    /// Retires a run of instructions in order, with the pipeline's state in locals or, read on every
    /// instruction but rarely written, in `LoopScalars`.
    public mutating func retire(_ batch: RetiredBatch) {
        guard var run = batch.runs.baseAddress, batch.runs.count > 0 else { return }
        let runsEnd = run + batch.runs.count
        var data = batch.dataAddresses
        let costs = core.costs
        // The scoreboard, the window's ring and the pipe schedule at fixed offsets from one pointer.
        let scoreboard = core.scoreboard
        let windowRetire = scoreboard + MicroarchitectureCore.scoreboardWords
        let scalars = LoopScalars(at: windowRetire + Self.windowCapacity, fetchReady: core.fetchReady,
                                  lastFetchLine: core.lastFetchLine, width: width, windowPlusOne: window &+ 1,
                                  forwardingRoles: core.forwardingRoles, forwardingRows: core.forwardingRows)
        let schedule = PipeSchedule(at: windowRetire + Self.scheduleOffset)
        var dispatchCycle = self.dispatchCycle, slotsUsed = dispatchSlotsUsed
        var position = windowPosition
        var lastRetire = self.lastRetire
        let instructionsBefore = core.counters.instructions
        let fetchLineShift = CacheModel.lineShift
        let fetchLineMask: UInt64 = (1 &<< fetchLineShift) &- 1
        /// Holds dispatch until the front end delivers. Called wherever `fetchReady` may have moved
        /// past the dispatch cycle (a batch's start, after an exception; a fetch miss, a serialising
        /// instruction, a mispredicted branch), rather than on every instruction or run: the dispatch
        /// cycle only grows in between.
        @inline(__always)
        func waitForFrontEnd() {
            if scalars.fetchReady > dispatchCycle { dispatchCycle = scalars.fetchReady; slotsUsed = 0 }
        }
        /// Looks up instruction-cache line `line` for the next instruction to dispatch.
        @inline(__always)
        func fetch(line: UInt64) {
            scalars.lastFetchLine = line
            if core.fetchMisses(line: line) {
                scalars.fetchReady = max(scalars.fetchReady, dispatchCycle) &+ core.missLatency
                waitForFrontEnd()
            }
        }
        defer {
            self.dispatchCycle = dispatchCycle
            dispatchSlotsUsed = slotsUsed
            windowPosition = position
            self.lastRetire = lastRetire
            core.fetchReady = scalars.fetchReady
            core.lastFetchLine = scalars.lastFetchLine
            core.counters.instructions = instructionsBefore &+ UInt64(data - batch.dataAddresses)
            core.counters.cycles = lastRetire
        }

        /// The retire cycle in the window's ring at the position `window` micro-ops before position
        /// `position + ahead`: the entry that must have retired before the micro-op there may dispatch.
        @inline(__always)
        func windowEntry(before ahead: UInt64) -> UInt64 {
            windowRetire[Int(truncatingIfNeeded: (position &+ ahead &- scalars.windowPlusOne) & UInt64(Self.windowCapacity - 1))]
        }
        /// Retires the instructions of `run`, with the window's room tested per instruction where
        /// `checksWindow` (else the caller has found that the window cannot hold any of them back).
        /// Returns the last instruction's issue cycle.
        @inline(__always)
        func retireRun(_ run: UnsafePointer<RetiredRun>, checksWindow: Bool) -> UInt64 {
          var instruction = run.pointee.instruction
          var pc = run.pointee.pc
          let last = instruction + (run.pointee.count &- 1)
          while true {
            // The class cost is read where needed, through a pointer (not copied into registers up front).
            let cost = costs + Int(instruction.pointee.timingClass.rawValue)
            let flags = cost.pointee.flags

            // Dispatch: in order, `width` micro-ops per cycle, into a window with room.
            let microOps = UInt64(cost.pointee.microOps)
            if slotsUsed &+ microOps > UInt64(cost.pointee.dispatchGroupLimit) {
                dispatchCycle &+= 1
                slotsUsed = 0
            }
            // The window must have room for this instruction's micro-ops: the entry holding the
            // micro-op `window` positions before its last must have retired. (Before the window first
            // fills, that position lies in the ring's far end, still zero.)
            if checksWindow {
                let latestFreed = windowEntry(before: microOps)
                // Selects rather than a branch: whether the window is what holds dispatch back changes
                // with the simulated pipeline, so the host predicts it badly (measured as a branch: mix
                // loop about 3% slower on cortex-a72 and neoverse-n1).
                slotsUsed = latestFreed > dispatchCycle ? 0 : slotsUsed
                dispatchCycle = max(dispatchCycle, latestFreed)
            }
            slotsUsed &+= microOps
            let dispatched = dispatchCycle
            let width = scalars.width
            while slotsUsed > width { dispatchCycle &+= 1; slotsUsed &-= width }
            schedule.forget(behind: dispatched)

            // Issue: operands ready, pipes free.
            var earliest = UInt64(bitPattern: max(Int64(bitPattern: dispatched &+ 1), MicroarchitectureCore.operandsReadySigned(
                instruction, scoreboard: scoreboard, forwardingRows: scalars.forwardingRows,
                forwardingRoles: scalars.forwardingRoles)))
            if _slowPath(flags & PackedClassCost.serialising != 0) { earliest = max(earliest, lastRetire) }
            let issue = schedule.reserve(cost, earliest: earliest)
            var extra: UInt64 = 0
            if flags & PackedClassCost.accessesMemory != 0 {
                extra = core.accessDataCache(bytes: instruction.pointee.accessBytes,
                                             isLoad: flags & PackedClassCost.isLoad != 0, address: data.pointee)
            }
            MicroarchitectureCore.writeResults(instruction, issue: issue, cost: cost, extra: extra, scoreboard: scoreboard)

            // Complete and retire in order.
            var complete = issue &+ UInt64(cost.pointee.latency) &+ extra
            // Both rare: one test on the common path.
            if _slowPath(flags & (PackedClassCost.serialising | PackedClassCost.maintainsCaches) != 0) {
                if flags & PackedClassCost.serialising != 0 {
                    complete = issue &+ UInt64(cost.pointee.serialisation)
                    scalars.fetchReady = max(scalars.fetchReady, complete)
                    waitForFrontEnd()
                }
                if flags & PackedClassCost.maintainsCaches != 0,
                   core.applyCacheMaintenance(instruction.pointee.cacheOperation, address: data.pointee) {
                    // The next instruction's line is looked up again: here, unless the test below
                    // or the next run's does it.
                    scalars.lastFetchLine = .max
                    let next = pc &+ 4
                    if instruction != last && next & fetchLineMask != 0 { fetch(line: next &>> fetchLineShift) }
                }
            }
            lastRetire = max(lastRetire, complete)
            // Every position the instruction occupies holds its retire cycle. Four are written
            // whatever its micro-ops: positions past its own are written again by the instructions
            // that take them before anything reads them.
            let slot = Int(truncatingIfNeeded: position) & (Self.windowCapacity - 1)
            if _fastPath(slot <= Self.windowCapacity - 4) {
                let positions = windowRetire + slot
                positions[0] = lastRetire; positions[1] = lastRetire; positions[2] = lastRetire; positions[3] = lastRetire
            } else {
                let mask = Self.windowCapacity - 1
                windowRetire[slot] = lastRetire
                windowRetire[(slot &+ 1) & mask] = lastRetire
                windowRetire[(slot &+ 2) & mask] = lastRetire
                windowRetire[(slot &+ 3) & mask] = lastRetire
            }
            position &+= microOps
            data += 1
            if instruction == last {
                // Every branch ends its block, so only a run's last instruction can be one.
                if redirectsFrontEnd(cost, flags: flags, pc: pc, nextPC: run.pointee.nextPC, issue: issue, scalars: scalars) {
                    waitForFrontEnd()
                }
                return issue
            }
            instruction += 1
            pc &+= 4
            if _slowPath(pc & fetchLineMask == 0) { fetch(line: pc &>> fetchLineShift) }
          }
        }

        waitForFrontEnd()
        /// Runs still to time directly of a chain the memo has looked up (`RunTimingMemo`); at 0,
        /// the next run starts a lookup.
        var chainRunsLeft = 0
        repeat {
          // Fetch: a new instruction-cache line is looked up; a miss delays the front end. Within a
          // run the line changes only where the PC crosses into the next one (tested at the bottom
          // of `retireRun`'s loop, before the next instruction dispatches, as here).
          let pc = run.pointee.pc
          if _slowPath(pc &>> fetchLineShift != scalars.lastFetchLine) { fetch(line: pc &>> fetchLineShift) }
          // The window holds an instruction back only until the entry `window` micro-ops before its
          // last has retired. Retire cycles grow with position and the dispatch cycle only grows,
          // so if the entry that far before the run's last possible micro-op (four per instruction)
          // has retired by now, and was written before the run (the run is no longer than the
          // window), no instruction of the run waits for the window and it is not tested.
          let reach = UInt64(truncatingIfNeeded: run.pointee.count) &<< 2
          let windowClear = reach < scalars.windowPlusOne && windowEntry(before: reach) <= dispatchCycle
          // A chain is looked up only where the window holds back none of its first run: where the
          // window is full (a loop bound by latencies or pipes) its test would fail, and this one
          // costs no call.
          if remembersRuns && chainRunsLeft == 0 && windowClear && RunTimingMemo.mayStartChain(runLength: run.pointee.count) {
              var state = RunTimingMemo.LoopState(dispatchCycle: dispatchCycle, slotsUsed: slotsUsed,
                                                  position: position, lastRetire: lastRetire)
              let found = retireRemembered(run, runsEnd: runsEnd, data: data, state: &state, scalars: scalars,
                                           schedule: schedule)
              if found.instructions != 0 {
                  dispatchCycle = state.dispatchCycle; slotsUsed = state.slotsUsed
                  position = state.position; lastRetire = state.lastRetire
                  data += found.instructions
                  run += found.runs
                  continue
              }
              chainRunsLeft = found.runs
          }
          let lastIssue: UInt64
          if _fastPath(windowClear) {
              lastIssue = retireRun(run, checksWindow: false)
          } else {
              lastIssue = retireRun(run, checksWindow: true)
          }
          if chainRunsLeft != 0 {
              chainRunsLeft &-= 1
              if chainRunsLeft == 0 {
                  memo.finishRecording(end: RunTimingMemo.LoopState(dispatchCycle: dispatchCycle, slotsUsed: slotsUsed,
                                                                    position: position, lastRetire: lastRetire),
                                       lastIssue: lastIssue, fetchReady: scalars.fetchReady,
                                       structures: memoStructures(schedule))
              }
          }
          run += 1
        } while run != runsEnd
    }

    /// The retire loop's scalars that it reads on every instruction but rarely writes, kept in
    /// words of the model's buffer (between the ring and the schedule) so that the loop reloads
    /// them where used instead of holding them in registers and spilling them (measured on the mix
    /// loop, cortex-a72: 88 -> 91M instructions/s with the schedule's own scalars kept the same way).
    private struct LoopScalars {
        static let words = 6
        let base: UnsafeMutablePointer<UInt64>

        init(at base: UnsafeMutablePointer<UInt64>, fetchReady: UInt64, lastFetchLine: UInt64, width: UInt64,
             windowPlusOne: UInt64, forwardingRoles: UInt16, forwardingRows: UnsafeMutablePointer<UInt64>) {
            self.base = base
            base[0] = fetchReady
            base[1] = lastFetchLine
            base[2] = width
            base[3] = windowPlusOne
            base[4] = UInt64(forwardingRoles)
            base[5] = UInt64(UInt(bitPattern: forwardingRows))
        }

        /// `MicroarchitectureCore.fetchReady` while the loop runs.
        var fetchReady: UInt64 {
            get { base[0] }
            nonmutating set { base[0] = newValue }
        }
        /// `MicroarchitectureCore.lastFetchLine` while the loop runs.
        var lastFetchLine: UInt64 {
            get { base[1] }
            nonmutating set { base[1] = newValue }
        }
        var width: UInt64 { base[2] }
        var windowPlusOne: UInt64 { base[3] }
        var forwardingRoles: UInt16 { UInt16(truncatingIfNeeded: base[4]) }
        var forwardingRows: UnsafeMutablePointer<UInt64> {
            UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: base[5])).unsafelyUnwrapped
        }
    }

    /// Where the memo finds the model's structures.
    @inline(__always)
    private func memoStructures(_ schedule: PipeSchedule) -> RunTimingMemo.Structures {
        RunTimingMemo.Structures(scoreboard: core.scoreboard, schedule: schedule,
                                 windowRetire: core.scoreboard + MicroarchitectureCore.scoreboardWords,
                                 windowMask: Self.windowCapacity - 1, windowPlusOne: window &+ 1)
    }

    /// Retires the chain of runs from `run` from memory if the memo has it in this state and its
    /// inner branches would be predicted as they were (`RunTimingMemo`), training the predictor on
    /// them and predicting its last branch as timing would; returns the runs and instructions
    /// retired. Otherwise returns no instructions and the runs to time directly before the next
    /// lookup, having begun recording them where the memo can remember them from this state.
    @inline(never)
    private mutating func retireRemembered(_ run: UnsafePointer<RetiredRun>, runsEnd: UnsafePointer<RetiredRun>,
                                           data: UnsafePointer<UInt64>, state: inout RunTimingMemo.LoopState,
                                           scalars: LoopScalars, schedule: PipeSchedule) -> (runs: Int, instructions: Int) {
        let structures = memoStructures(schedule)
        let found = memo.find(run, runsEnd: runsEnd, data: data, state: state, structures: structures,
                              dataCache: core.dataCache, instructionCache: core.instructionCache)
        if !found.found {
            if found.entry != nil { memo.beginRecording(found, start: state, fetchReady: scalars.fetchReady) }
            return (found.runs, 0)
        }
        let inner = memo.innerBranches(found)
        guard core.predictor.predictsCorrectly(inner.branches, count: inner.count, overlay: memo.predictorOverlay) else {
            return (found.runs, 0)
        }
        for branch in 0..<inner.count {
            let words = inner.branches + branch &* BranchPredictor.branchWords
            _ = core.branchMispredicted(flags: UInt8(truncatingIfNeeded: words[2]), pc: words[0], nextPC: words[1])
        }
        let replayed = memo.replay(found, state: &state, structures: structures)
        runsReplayed &+= UInt64(found.runs)
        let last = run + (found.runs &- 1)
        let count = last.pointee.count
        let lastPC = last.pointee.pc &+ UInt64(count &- 1) &* 4
        scalars.lastFetchLine = lastPC &>> CacheModel.lineShift
        let cost = core.costs + Int(last.pointee.instruction[count &- 1].timingClass.rawValue)
        if redirectsFrontEnd(cost, flags: cost.pointee.flags, pc: lastPC, nextPC: last.pointee.nextPC,
                             issue: replayed.lastIssue, scalars: scalars),
           scalars.fetchReady > state.dispatchCycle {
            state.dispatchCycle = scalars.fetchReady
            state.slotsUsed = 0
        }
        return (found.runs, replayed.instructions)
    }

    /// Predicts a run's last instruction, of class `cost` (`flags` its flags), at `pc`, which went on
    /// to `nextPC`, if it is a branch; where mispredicted, the front end delivers nothing before
    /// the branch resolves (`issue` plus its latency) and the penalty has passed. Returns whether
    /// it was, so that the caller holds dispatch for the front end.
    @inline(__always)
    private mutating func redirectsFrontEnd(_ cost: UnsafePointer<PackedClassCost>, flags: UInt8, pc: UInt64, nextPC: UInt64,
                                            issue: UInt64, scalars: LoopScalars) -> Bool {
        guard flags & PackedClassCost.usesPredictor != 0, core.branchMispredicted(flags: flags, pc: pc, nextPC: nextPC) else {
            return false
        }
        scalars.fetchReady = max(scalars.fetchReady, issue &+ UInt64(cost.pointee.latency) &+ core.mispredictPenalty)
        return true
    }

    public mutating func exceptionTaken(from pc: UInt64, to vector: UInt64) {
        lastRetire = core.exceptionEntered(drainedAt: max(lastRetire, dispatchCycle))
    }
}
