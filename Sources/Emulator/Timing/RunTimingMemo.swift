import A64
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers how the out-of-order model timed chains of runs, so that a chain met again in a
/// state it has been in before, relative to where it starts, is retired by applying what it did
/// then instead of instruction by instruction (FastSim's memoization: Schnarr and Larus, 1998).
///
/// A chain is a run and the runs after it in its batch, as many as fit in `longestChain`
/// instructions. Chaining short runs is what makes the memo pay: about half the default suite's
/// instructions are in runs shorter than five, too short to look up alone. A chain is met again
/// where the same runs follow one another, each going on to the same address. Its timing is a function
/// of its instructions (their digests: a record keeps a copy and compares it with `memcmp` whenever
/// `TimingDigestGeneration` has moved, so a patched slot makes a new record) and of the model's
/// state relative to `base`, the cycle after its first dispatch cycle: the micro-ops already in the
/// dispatch group, the last retire cycle, the scoreboard entries of the registers it reads before
/// writing, and the busy bits of the pipes its classes can use in the 64 cycles from `base`.
/// Entries and the last retire cycle at or before `base` are all the same to it (nothing of the
/// chain issues or completes before `base`), so they are keyed as 0. What it does is relative to
/// `base` too: the pipe cycles it reserves, the scoreboard entries it leaves, the retire cycles it
/// leaves in its window positions and the dispatch group after it. A chain is remembered only
/// where nothing else enters:
/// - every instruction-cache line the front end looks up within it and every data line it touches
///   is its set's most recent (`CacheModel.isMostRecent`), so the accesses hit and change nothing;
/// - no instruction serialises or maintains a cache;
/// - the reorder window cannot hold it back and it issues within the 64 keyed cycles (its last
///   retire cycle is less than 64 after `base`, and it reserves nothing after);
/// - its inner branches (those ending its runs but the last) did not redirect the front end when it
///   was recorded, and would all be predicted correctly again (`BranchPredictor.predictsCorrectly`,
///   tested before a replay, which then trains the predictor on them as timing would); its last
///   branch is predicted afresh on every replay by the caller.
///
/// Records sit in a direct-mapped table by a hash of the chain's runs (their PCs and where each but
/// the last went on to), each with a few remembered states; a record whose states are rarely met
/// again stops being looked up.
struct RunTimingMemo {
    /// Chains shorter than this are timed directly (the lookup would cost about as much). At least
    /// 2: a single instruction may be timed from a digest on the stack (`RetiredBatch.withOne`),
    /// whose address says nothing about its contents.
    static let shortestChain = 5
    /// Instructions a chain may hold at most (its states rarely repeat within 64 cycles beyond).
    static let longestChain = 32
    static let tableSize = 4096
    static let statesPerRecord = 8
    /// Lookups after which a record that hits in fewer than a quarter of them is switched off.
    static let trialLookups: UInt64 = 256

    /// Whether a run of `runLength` instructions may start a chain (the caller tests before `find`,
    /// so that long runs cost no call).
    @inline(__always)
    static func mayStartChain(runLength: Int) -> Bool { runLength <= longestChain }

    private let table: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    private let costs: UnsafeMutablePointer<PackedClassCost>
    /// Per timing class: the pipes its uses can take, as bits.
    private let classPipes: UnsafeMutablePointer<UInt16>
    /// Instructions a chain may hold: `longestChain`, or fewer where four micro-ops each would not
    /// fit in the reorder window (so that the window test in `find` reads an entry from before the
    /// chain).
    private let chainLimit: Int
    /// The key being looked up (`keyCapacity` words); the pipes' busy bits in the 64 cycles after
    /// the keyed ones, which recording checks the chain left alone; room for the predictor's
    /// lookahead; the lookup being recorded (`Pending`); and the lists of a record being made (`Build`).
    private let scratch: UnsafeMutablePointer<UInt64>
    private static let keyCapacity = 1 + 16 + 4 * longestChain
    private static let followingWords = keyCapacity
    private static let overlayWords = followingWords + 16
    private static let pendingWords = overlayWords + BranchPredictor.overlayWordsPerBranch * longestChain
    private static let buildWords = pendingWords + Pending.words
    private static let scratchWords = buildWords + Build.words

    init(costs: UnsafeMutablePointer<PackedClassCost>, storage: TimingStorage, reorderWindow: Int) {
        precondition(Self.shortestChain >= 2)
        table = storage.recordTable(Self.tableSize)
        self.costs = costs
        let classCount = TimingClass.allCases.count
        let pipes = storage.bytes(classCount * 2).withMemoryRebound(to: UInt16.self, capacity: classCount) { $0 }
        for timingClass in TimingClass.allCases {
            let cost = costs[Int(timingClass.rawValue)]
            pipes[Int(timingClass.rawValue)] = (0..<Int(cost.useCount)).reduce(0) { $0 | cost.pipeMask($1) }
        }
        classPipes = pipes
        chainLimit = min(Self.longestChain, reorderWindow / 4)
        scratch = storage.words(Self.scratchWords)
    }

    /// What `find` did: found a remembered state to replay, prepared a new state to record once
    /// the caller has timed the chain directly, or neither; and how many runs that covers.
    struct Lookup {
        /// Runs of the chain: replayed, or to be timed directly before the next lookup.
        var runs = 1
        var record: UnsafeMutablePointer<UInt64>? = nil
        var entry: UnsafeMutablePointer<UInt64>? = nil
        /// Whether `entry` is a remembered state whose inner branches remain to be checked
        /// (`innerBranches`) before `replay`.
        var found = false
    }

    /// The model's state a chain starts from and leaves, as the retire loop keeps it.
    struct LoopState {
        var dispatchCycle: UInt64
        var slotsUsed: UInt64
        var position: UInt64
        var lastRetire: UInt64
    }

    /// Where the model's structures are, for a lookup.
    struct Structures {
        var scoreboard: UnsafeMutablePointer<UInt64>
        var schedule: PipeSchedule
        var windowRetire: UnsafeMutablePointer<UInt64>
        var windowMask: Int
        /// The reorder window's size plus one.
        var windowPlusOne: UInt64
    }

    // MARK: Records

    /// A record's header words; the runs follow (`runWords` each), then the instruction digests,
    /// the fetched lines, the inner branches (`branchWords` each), the byte lists and the states.
    private enum Header {
        /// `use`: states in use (bits 0-7), the next to replace (8-15), the one replayed last (16-23).
        static let pc = 0, instruction = 1, generation = 2, sizes = 3, shape = 4, use = 5, statistics = 6
        static let linesOffset = 7, branchesOffset = 8, listOffset = 9, statesOffset = 10, stateWords = 11
        static let words = 12
    }
    /// Per run: its first digest's address, its PC, its length and where it went on to.
    private static let runWords = 4
    /// Per inner branch: its PC, where it went on to, its class's flags (as `predictsCorrectly` reads them).
    private static let branchWords = BranchPredictor.branchWords

    /// What a record's layout follows from.
    private struct Shape {
        var runs = 0, instructions = 0, positions = 0
        var pipeMask: UInt16 = 0
        var liveIns = 0, written = 0, memoryOperations = 0, lines = 0, branches = 0
        /// Off: the chain serialises or maintains a cache, or has proved not worth remembering.
        var remembers = true

        init() {}

        init(_ record: UnsafeMutablePointer<UInt64>) {
            let sizes = record[Header.sizes], word = record[Header.shape]
            runs = Int(truncatingIfNeeded: sizes & 0xFF)
            instructions = Int(truncatingIfNeeded: (sizes &>> 8) & 0xFF)
            positions = Int(truncatingIfNeeded: (sizes &>> 16) & 0xFFFF)
            pipeMask = UInt16(truncatingIfNeeded: word)
            liveIns = Int(truncatingIfNeeded: (word &>> 16) & 0xFF)
            written = Int(truncatingIfNeeded: (word &>> 24) & 0xFF)
            memoryOperations = Int(truncatingIfNeeded: (word &>> 32) & 0xFF)
            lines = Int(truncatingIfNeeded: (word &>> 40) & 0xFF)
            branches = Int(truncatingIfNeeded: (word &>> 48) & 0xFF)
            remembers = word &>> 63 == 0
        }

        static let off: UInt64 = 1 &<< 63
        var sizesWord: UInt64 { UInt64(runs) | UInt64(instructions) &<< 8 | UInt64(positions) &<< 16 }
        var word: UInt64 {
            UInt64(pipeMask) | UInt64(liveIns) &<< 16 | UInt64(written) &<< 24 | UInt64(memoryOperations) &<< 32
                | UInt64(lines) &<< 40 | UInt64(branches) &<< 48 | (remembers ? 0 : Self.off)
        }
        var pipes: Int { pipeMask.nonzeroBitCount }
        var digestWords: Int { (instructions &* MemoryLayout<TimedInstruction>.stride &+ 7) &>> 3 }
        /// Live-in slots, written slots, memory operations' indices and bytes.
        var listWords: Int { (liveIns &+ written &+ 2 &* memoryOperations &+ 7) &>> 3 }
        var keyWords: Int { 1 &+ pipes &+ liveIns }
        /// Whether recorded (0: not yet, or dropped), key, four scalars (dispatch cycle, group slots,
        /// last retire, last issue), the marked pipe cycles, the written entries, the retire cycle
        /// per window position.
        var stateWords: Int { 1 &+ keyWords &+ 4 &+ pipes &+ written &+ positions }
        var digestsOffset: Int { Header.words &+ runs &* RunTimingMemo.runWords }
        var linesOffset: Int { digestsOffset &+ digestWords }
        var branchesOffset: Int { linesOffset &+ lines }
        var listOffset: Int { branchesOffset &+ branches &* RunTimingMemo.branchWords }
        var statesOffset: Int { listOffset &+ listWords }
        var words: Int { statesOffset &+ RunTimingMemo.statesPerRecord &* stateWords }
    }

    /// Whether the record's digests are its runs' (whose digest addresses it has matched).
    private func digestsMatch(_ record: UnsafeMutablePointer<UInt64>) -> Bool {
        let shape = Shape(record)
        guard shape.remembers else { return true } // never replayed
        var stored = UnsafeRawPointer(record + shape.digestsOffset)
        let runs = record + Header.words
        for index in 0..<shape.runs {
            let run = runs + index &* Self.runWords
            let live = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: run[0])).unsafelyUnwrapped
            let bytes = Int(truncatingIfNeeded: run[2]) &* MemoryLayout<TimedInstruction>.stride
            if memcmp(stored, live, bytes) != 0 { return false }
            stored += bytes
        }
        return true
    }

    /// The runs from `run` that make its chain: as many as fit in `chainLimit` instructions (at
    /// least the first). (Ending chains instead at cut points, addresses picked by a hash so that
    /// chains end where the code says, measured worse: with one address in two cortex-a72's suite
    /// mix took 185.6 host instructions per guest instruction and its mix loop 152.6, against 171.4
    /// and 104.6; one in eight 170.5 and 118.8.)
    private func chain(from run: UnsafePointer<RetiredRun>, to runsEnd: UnsafePointer<RetiredRun>) -> (runs: Int, instructions: Int) {
        var runs = 1, instructions = run.pointee.count
        var next = run + 1
        while next != runsEnd && instructions &+ next.pointee.count <= chainLimit {
            instructions &+= next.pointee.count
            runs &+= 1
            next += 1
        }
        return (runs, instructions)
    }

    /// Where `makeRecord` gathers a chain's lists, in words of `scratch` from `buildWords`.
    private enum Build {
        /// Bytes: live-in slots, written slots, memory operations' indices and their bytes.
        static let liveIns = 0, written = 16, memoryIndices = 32, memoryBytes = 36
        /// Words: fetched lines, inner branches.
        static let lines = 40, branches = lines + 2 * longestChain
        static let words = branches + BranchPredictor.branchWords * longestChain
    }

    /// A new record for the chain of `runs` runs from `run`: its runs and digests copied, and its
    /// registers, memory operations, pipes, fetched lines and inner branches worked out.
    private func makeRecord(for run: UnsafePointer<RetiredRun>, runs runCount: Int,
                            generation: UInt64) -> UnsafeMutablePointer<UInt64> {
        var shape = Shape()
        shape.runs = runCount
        let build = scratch + Self.buildWords
        let bytes = UnsafeMutableRawPointer(build).assumingMemoryBound(to: UInt8.self)
        let liveIns = bytes + Build.liveIns * 8, written = bytes + Build.written * 8
        let memoryIndices = bytes + Build.memoryIndices * 8, memoryBytes = bytes + Build.memoryBytes * 8
        let lines = build + Build.lines, branches = build + Build.branches
        func contains(_ list: UnsafeMutablePointer<UInt8>, _ count: Int, _ slot: UInt8) -> Bool {
            for index in 0..<count where list[index] == slot { return true }
            return false
        }
        var line = run.pointee.pc &>> CacheModel.lineShift
        let lineMask: UInt64 = (1 &<< CacheModel.lineShift) &- 1
        for runIndex in 0..<runCount {
            let chained = run + runIndex
            let count = chained.pointee.count
            for index in 0..<count {
                let instruction = chained.pointee.instruction + index
                let pc = chained.pointee.pc &+ UInt64(index) &* 4
                // The lines the front end looks up after the chain's first (`retire`'s fetch tests).
                if (index == 0 && pc &>> CacheModel.lineShift != line) || (index > 0 && pc & lineMask == 0) {
                    line = pc &>> CacheModel.lineShift
                    lines[shape.lines] = line
                    shape.lines &+= 1
                }
                let timingClass = Int(instruction.pointee.timingClass.rawValue)
                let flags = costs[timingClass].flags
                if flags & (PackedClassCost.serialising | PackedClassCost.maintainsCaches) != 0 { shape.remembers = false }
                shape.pipeMask |= classPipes[timingClass]
                func read(_ source: UInt8) {
                    guard source != TimedInstruction.noSource && !contains(written, shape.written, source)
                        && !contains(liveIns, shape.liveIns, source) else { return }
                    liveIns[shape.liveIns] = source
                    shape.liveIns &+= 1
                }
                func write(_ result: UInt8) {
                    guard result != TimedInstruction.noResult && !contains(written, shape.written, result) else { return }
                    written[shape.written] = result
                    shape.written &+= 1
                }
                read(instruction.pointee.source0); read(instruction.pointee.source1)
                read(instruction.pointee.source2); read(instruction.pointee.source3)
                write(instruction.pointee.result)
                if instruction.pointee.writesFurtherResults {
                    write(instruction.pointee.secondResult); write(instruction.pointee.writtenBase)
                    write(instruction.pointee.flagsResult)
                }
                if flags & PackedClassCost.accessesMemory != 0 {
                    memoryIndices[shape.memoryOperations] = UInt8(shape.instructions)
                    memoryBytes[shape.memoryOperations] = instruction.pointee.accessBytes
                    shape.memoryOperations &+= 1
                }
                shape.positions &+= Int(costs[timingClass].microOps)
                shape.instructions &+= 1
                if index == count &- 1 && runIndex != runCount &- 1 && flags & PackedClassCost.usesPredictor != 0 {
                    let branch = branches + shape.branches &* Self.branchWords
                    branch[0] = pc
                    branch[1] = chained.pointee.nextPC
                    branch[2] = UInt64(flags)
                    shape.branches &+= 1
                }
            }
        }
        if !shape.remembers {
            // Kept only to say so: no digests, lists or states.
            let runs = shape.runs
            shape = Shape()
            shape.runs = runs
            shape.remembers = false
        }
        let words = shape.remembers ? shape.words : shape.digestsOffset
        let record = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        // The states are set up as they come into use.
        record.initialize(repeating: 0, count: shape.remembers ? shape.statesOffset : words)
        record[Header.pc] = run.pointee.pc
        record[Header.instruction] = UInt64(UInt(bitPattern: run.pointee.instruction))
        record[Header.generation] = generation
        record[Header.sizes] = shape.sizesWord
        record[Header.shape] = shape.word
        record[Header.linesOffset] = UInt64(shape.linesOffset)
        record[Header.branchesOffset] = UInt64(shape.branchesOffset)
        record[Header.listOffset] = UInt64(shape.listOffset)
        record[Header.statesOffset] = UInt64(shape.statesOffset)
        record[Header.stateWords] = UInt64(shape.stateWords)
        var digests = UnsafeMutableRawPointer(record + shape.digestsOffset)
        for runIndex in 0..<runCount {
            let chained = run + runIndex
            let stored = record + Header.words + runIndex &* Self.runWords
            stored[0] = UInt64(UInt(bitPattern: chained.pointee.instruction))
            stored[1] = chained.pointee.pc
            stored[2] = UInt64(chained.pointee.count)
            stored[3] = runIndex == runCount &- 1 ? 0 : chained.pointee.nextPC
            guard shape.remembers else { continue }
            let bytes = chained.pointee.count &* MemoryLayout<TimedInstruction>.stride
            digests.copyMemory(from: chained.pointee.instruction, byteCount: bytes)
            digests += bytes
        }
        guard shape.remembers else { return record }
        (record + shape.linesOffset).update(from: lines, count: shape.lines)
        (record + shape.branchesOffset).update(from: branches, count: shape.branches &* Self.branchWords)
        let list = UnsafeMutableRawPointer(record + shape.listOffset).assumingMemoryBound(to: UInt8.self)
        list.update(from: liveIns, count: shape.liveIns)
        (list + shape.liveIns).update(from: written, count: shape.written)
        (list + (shape.liveIns &+ shape.written)).update(from: memoryIndices, count: shape.memoryOperations)
        (list + (shape.liveIns &+ shape.written &+ shape.memoryOperations)).update(from: memoryBytes, count: shape.memoryOperations)
        return record
    }

    /// Whether `record` is the chain from `run`: the same runs follow one another in the batch,
    /// each going on to the same address. The first run's digest address and PC are already matched.
    @inline(__always)
    private func sameChain(_ record: UnsafeMutablePointer<UInt64>, from run: UnsafePointer<RetiredRun>, runs: Int) -> Bool {
        var stored = record + Header.words
        var live = run
        if run.pointee.count != Int(truncatingIfNeeded: stored[2]) { return false }
        for _ in 1..<runs {
            if live.pointee.nextPC != stored[3] { return false }
            live += 1
            stored += Self.runWords
            if UInt64(UInt(bitPattern: live.pointee.instruction)) != stored[0] || live.pointee.pc != stored[1]
                || live.pointee.count != Int(truncatingIfNeeded: stored[2]) {
                return false
            }
        }
        return true
    }

    // MARK: Looking up and replaying

    /// Looks up the chain from `run` in the model's present state. Where remembered, returns the
    /// state to replay (`Lookup.found`: the caller checks the inner branches, then `replay`s);
    /// where it can be remembered from this state, a new state to complete once the caller has
    /// timed the chain (`beginRecording`, `finishRecording`); otherwise how many runs to time before the next lookup.
    /// `state.dispatchCycle` is the cycle its first instruction would dispatch in, after the front
    /// end has delivered it.
    @inline(__always)
    func find(_ run: UnsafePointer<RetiredRun>, runsEnd: UnsafePointer<RetiredRun>, data: UnsafePointer<UInt64>,
              state: LoopState, structures: Structures, dataCache: CacheModel, instructionCache: CacheModel) -> Lookup {
        let pc = run.pointee.pc
        let extent = chain(from: run, to: runsEnd)
        // Chains that cannot be remembered make no record (a single instruction timed from the
        // stack, or a run too long, would otherwise push out one that can).
        guard extent.instructions >= Self.shortestChain && extent.instructions <= chainLimit else {
            return Lookup(runs: extent.runs)
        }
        var hash = UInt64(truncatingIfNeeded: extent.instructions) &* 0x9E37
        // Every run's PC and where each but the last went on to (the last one's branch is predicted
        // on every replay).
        for index in 0..<extent.runs {
            let next = index &+ 1 == extent.runs ? 0 : run[index].nextPC
            hash = (hash ^ (run[index].pc &>> 2) ^ next) &* 0x2545_F491_4F6C_DD1D
        }
        let slot = Int(truncatingIfNeeded: (hash &>> 40) & UInt64(Self.tableSize - 1))
        let generation = TimingDigestGeneration.current
        let record: UnsafeMutablePointer<UInt64>
        if let existing = table[slot], existing[Header.pc] == pc,
           existing[Header.instruction] == UInt64(UInt(bitPattern: run.pointee.instruction)),
           Int(truncatingIfNeeded: existing[Header.sizes] & 0xFF) == extent.runs,
           sameChain(existing, from: run, runs: extent.runs),
           existing[Header.generation] == generation || digestsMatch(existing) {
            existing[Header.generation] = generation
            record = existing
        } else {
            record = replace(slot, from: run, runs: extent.runs, generation: generation)
        }
        let sizes = record[Header.sizes]
        let runs = Int(truncatingIfNeeded: sizes & 0xFF)
        let shapeWord = record[Header.shape]
        guard shapeWord & Shape.off == 0 else { return Lookup(runs: runs) }
        let instructions = Int(truncatingIfNeeded: (sizes &>> 8) & 0xFF)

        // The reorder window must not hold back any of the chain's micro-ops: the entry the window's
        // size before its last has retired (entries before it retired no later), and was written
        // before the chain (it holds no more micro-ops than the window).
        let reach = (sizes &>> 16) & 0xFFFF
        let windowRetire = structures.windowRetire
        guard windowRetire[Int(truncatingIfNeeded: state.position &+ reach &- structures.windowPlusOne) & structures.windowMask]
                <= state.dispatchCycle else { return Lookup(runs: runs) }
        let schedule = structures.schedule
        let base = state.dispatchCycle &+ 1
        guard base &+ 128 <= schedule.horizonEnd else { return Lookup(runs: runs) }
        let list = UnsafeMutableRawPointer(record + Int(truncatingIfNeeded: record[Header.listOffset]))
            .assumingMemoryBound(to: UInt8.self)
        let liveIns = Int(truncatingIfNeeded: (shapeWord &>> 16) & 0xFF)
        let written = Int(truncatingIfNeeded: (shapeWord &>> 24) & 0xFF)
        let memoryOperations = Int(truncatingIfNeeded: (shapeWord &>> 32) & 0xFF)
        let lineCount = Int(truncatingIfNeeded: (shapeWord &>> 40) & 0xFF)
        let pipeMask = UInt16(truncatingIfNeeded: shapeWord)

        // The accesses must hit and change nothing.
        let memoryList = list + (liveIns &+ written)
        for operation in 0..<memoryOperations {
            let address = data[Int(memoryList[operation])]
            let first = address &>> CacheModel.lineShift
            let last = (address &+ UInt64(memoryList[memoryOperations &+ operation]) &- 1) &>> CacheModel.lineShift
            if !dataCache.isMostRecent(first) || !dataCache.isMostRecent(last) { return Lookup(runs: runs) }
        }
        let lines = record + Int(truncatingIfNeeded: record[Header.linesOffset])
        for index in 0..<lineCount where !instructionCache.isMostRecent(lines[index]) { return Lookup(runs: runs) }

        // The key.
        let relativeRetire = state.lastRetire > base ? state.lastRetire &- base : 0
        guard relativeRetire < 1 &<< 40 else { return Lookup(runs: runs) }
        let key = scratch
        key[0] = state.slotsUsed | relativeRetire &<< 8
        var keyed = 1
        var pipes = pipeMask
        while pipes != 0 {
            key[keyed] = schedule.window(pipes.trailingZeroBitCount, from: base)
            pipes &= pipes &- 1
            keyed &+= 1
        }
        let baseEntry = base &<< 6
        let scoreboard = structures.scoreboard
        for index in 0..<liveIns {
            let entry = scoreboard[Int(list[index])]
            let relative = entry &>> 6 > base ? entry &- baseEntry : 0
            guard relative &>> 6 < 2048 else { return Lookup(runs: runs) }
            key[keyed] = relative
            keyed &+= 1
        }

        // The states, from the one replayed last (a loop's chain tends to meet the same state again).
        let states = record + Int(truncatingIfNeeded: record[Header.statesOffset])
        let stride = Int(truncatingIfNeeded: record[Header.stateWords])
        let use = record[Header.use]
        let used = Int(truncatingIfNeeded: use & 0xFF)
        var candidate = Int(truncatingIfNeeded: (use &>> 16) & 0xFF)
        for _ in 0..<used {
            let stateEntry = states + (candidate &* stride)
            if stateEntry[0] != 0 && keysEqual(stateEntry + 1, key, keyed) {
                record[Header.statistics] &+= 1 &<< 32
                if candidate != Int(truncatingIfNeeded: (use &>> 16) & 0xFF) {
                    record[Header.use] = (use & ~(0xFF &<< 16)) | UInt64(candidate) &<< 16
                }
                return Lookup(runs: runs, record: record, entry: stateEntry, found: true)
            }
            candidate = candidate &+ 1 == used ? 0 : candidate &+ 1
        }

        // Not remembered: record this state, unless the record has proved not worth keeping.
        let statistics = record[Header.statistics] &+ 1
        record[Header.statistics] = statistics
        let lookups = statistics & 0xFFFF_FFFF, hits = statistics &>> 32
        if lookups >= Self.trialLookups && hits &* 4 < lookups {
            record[Header.shape] |= Shape.off
            return Lookup(runs: runs)
        }
        let victim = used < Self.statesPerRecord ? used : Int(truncatingIfNeeded: (use &>> 8) & 0xFF)
        record[Header.use] = used < Self.statesPerRecord ? use &+ 1
            : (use & ~0xFF00) | UInt64((victim &+ 1) % Self.statesPerRecord) &<< 8
        let entry = states + (victim &* stride)
        entry[0] = 0 // matches nothing until recorded
        (entry + 1).update(from: key, count: keyed)
        pipes = pipeMask
        var following = Self.followingWords
        while pipes != 0 {
            scratch[following] = schedule.window(pipes.trailingZeroBitCount, from: base &+ 64)
            pipes &= pipes &- 1
            following &+= 1
        }
        return Lookup(runs: runs, record: record, entry: entry)
    }

    /// Makes the record of the chain from `run` and puts it in `slot`, freeing the one there.
    @inline(never)
    private func replace(_ slot: Int, from run: UnsafePointer<RetiredRun>, runs: Int,
                         generation: UInt64) -> UnsafeMutablePointer<UInt64> {
        table[slot]?.deallocate()
        let made = makeRecord(for: run, runs: runs, generation: generation)
        table[slot] = made
        return made
    }

    @inline(__always)
    private func keysEqual(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafeMutablePointer<UInt64>, _ words: Int) -> Bool {
        var index = 0
        while index < words {
            if a[index] != b[index] { return false }
            index &+= 1
        }
        return true
    }

    /// The inner branches of a found chain, for the predictor to check and learn: `count` of
    /// `BranchPredictor.branchWords` words each.
    @inline(__always)
    func innerBranches(_ found: Lookup) -> (branches: UnsafePointer<UInt64>, count: Int) {
        let record = found.record.unsafelyUnwrapped
        let count = Int(truncatingIfNeeded: (record[Header.shape] &>> 48) & 0xFF)
        return (UnsafePointer(record + Int(truncatingIfNeeded: record[Header.branchesOffset])), count)
    }

    /// Room for `BranchPredictor.predictsCorrectly`'s lookahead.
    var predictorOverlay: UnsafeMutablePointer<UInt64> { scratch + Self.overlayWords }

    /// Applies a found state's outputs, updating `state` and the structures as timing the chain
    /// would have; returns its last instruction's issue cycle. `state` is the one `find` was given.
    @inline(__always)
    func replay(_ found: Lookup, state: inout LoopState, structures: Structures) -> (lastIssue: UInt64, instructions: Int) {
        let record = found.record.unsafelyUnwrapped
        let sizes = record[Header.sizes], shapeWord = record[Header.shape]
        let instructions = Int(truncatingIfNeeded: (sizes &>> 8) & 0xFF)
        let positions = Int(truncatingIfNeeded: (sizes &>> 16) & 0xFFFF)
        let liveIns = Int(truncatingIfNeeded: (shapeWord &>> 16) & 0xFF)
        let written = Int(truncatingIfNeeded: (shapeWord &>> 24) & 0xFF)
        let pipeMask = UInt16(truncatingIfNeeded: shapeWord)
        let pipeCount = pipeMask.nonzeroBitCount
        let list = UnsafeMutableRawPointer(record + Int(truncatingIfNeeded: record[Header.listOffset]))
            .assumingMemoryBound(to: UInt8.self)
        let output = found.entry.unsafelyUnwrapped + (1 &+ 1 &+ pipeCount &+ liveIns)
        let base = state.dispatchCycle &+ 1
        let schedule = structures.schedule
        schedule.forget(behind: state.dispatchCycle)
        var pipes = pipeMask
        var marks = output + 4
        while pipes != 0 {
            schedule.markWindow(pipes.trailingZeroBitCount, from: base, marks[0])
            pipes &= pipes &- 1
            marks += 1
        }
        let entries = output + (4 &+ pipeCount)
        let baseEntry = base &<< 6
        let scoreboard = structures.scoreboard
        let writtenSlots = list + liveIns
        for slot in 0..<written { scoreboard[Int(writtenSlots[slot])] = entries[slot] &+ baseEntry }
        // The retire cycle at each window position the chain's micro-ops take (what timing leaves
        // in the positions after them is written again before anything reads it).
        let retires = entries + written
        let windowRetire = structures.windowRetire, mask = structures.windowMask
        let start = Int(truncatingIfNeeded: state.position)
        for index in 0..<positions { windowRetire[(start &+ index) & mask] = retires[index] &+ base }
        state.position &+= UInt64(truncatingIfNeeded: positions)
        state.dispatchCycle &+= output[0]
        state.slotsUsed = output[1]
        state.lastRetire = output[2] &+ base
        return (output[3] &+ base, instructions)
    }

    /// Completes the state `entry` of `record` that `find` prepared, after the chain was timed
    /// directly from `start` to `end`; drops it where the chain did not keep to what can be
    /// remembered (see the type).
    private func record(_ record: UnsafeMutablePointer<UInt64>, entry: UnsafeMutablePointer<UInt64>, start: LoopState,
                        end: LoopState, lastIssue: UInt64, redirected: Bool, structures: Structures) {
        let shape = Shape(record)
        let base = start.dispatchCycle &+ 1
        guard !redirected, end.lastRetire &- base < 64 else { return }
        var output = entry + (1 &+ shape.keyWords)
        output[0] = end.dispatchCycle &- start.dispatchCycle
        output[1] = end.slotsUsed
        output[2] = end.lastRetire &- base
        output[3] = lastIssue &- base
        output += 4
        var pipes = shape.pipeMask
        var index = 0
        while pipes != 0 {
            let pipe = pipes.trailingZeroBitCount
            pipes &= pipes &- 1
            guard structures.schedule.window(pipe, from: base &+ 64) == scratch[Self.followingWords &+ index] else { return }
            output[index] = structures.schedule.window(pipe, from: base) ^ entry[2 &+ index]
            index &+= 1
        }
        output += index
        let list = UnsafeMutableRawPointer(record + shape.listOffset).assumingMemoryBound(to: UInt8.self)
        let baseEntry = base &<< 6
        for slot in 0..<shape.written { output[slot] = structures.scoreboard[Int(list[shape.liveIns &+ slot])] &- baseEntry }
        output += shape.written
        let start = Int(truncatingIfNeeded: start.position)
        for position in 0..<shape.positions {
            output[position] = structures.windowRetire[(start &+ position) & structures.windowMask] &- base
        }
        entry[0] = 1
    }

    // MARK: The chain being recorded

    /// A lookup whose chain the caller is timing directly, kept here rather than in the retire
    /// loop's registers until its last run has retired.
    private enum Pending {
        static let record = 0, entry = 1, dispatchCycle = 2, slotsUsed = 3, position = 4, lastRetire = 5, fetchReady = 6
        static let words = 7
    }

    /// Keeps `found` (which has a state to record), the state its chain starts from and the front
    /// end's ready cycle then, until `finishRecording`.
    @inline(__always)
    func beginRecording(_ found: Lookup, start: LoopState, fetchReady: UInt64) {
        let pending = scratch + Self.pendingWords
        pending[Pending.record] = UInt64(UInt(bitPattern: found.record))
        pending[Pending.entry] = UInt64(UInt(bitPattern: found.entry))
        pending[Pending.dispatchCycle] = start.dispatchCycle
        pending[Pending.slotsUsed] = start.slotsUsed
        pending[Pending.position] = start.position
        pending[Pending.lastRetire] = start.lastRetire
        pending[Pending.fetchReady] = fetchReady
    }

    /// Records the pending chain's state once its last run has retired (at `end`, its last
    /// instruction issuing at `lastIssue`, the front end ready at `fetchReady`), if one is pending.
    func finishRecording(end: LoopState, lastIssue: UInt64, fetchReady: UInt64, structures: Structures) {
        let pending = scratch + Self.pendingWords
        guard let record = UnsafeMutablePointer<UInt64>(bitPattern: UInt(truncatingIfNeeded: pending[Pending.record])),
              let entry = UnsafeMutablePointer<UInt64>(bitPattern: UInt(truncatingIfNeeded: pending[Pending.entry])) else {
            return
        }
        pending[Pending.record] = 0
        let start = LoopState(dispatchCycle: pending[Pending.dispatchCycle], slotsUsed: pending[Pending.slotsUsed],
                              position: pending[Pending.position], lastRetire: pending[Pending.lastRetire])
        self.record(record, entry: entry, start: start, end: end, lastIssue: lastIssue,
                    redirected: fetchReady != pending[Pending.fetchReady], structures: structures)
    }
}
