import A64
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers how the out-of-order model timed runs of instructions, so that a run met again in a
/// state it has been in before, relative to where it starts, is retired by applying what it did
/// then instead of instruction by instruction (FastSim's memoization: Schnarr and Larus, 1998).
///
/// A run's timing is a function of its instructions (their digests: a record keeps a copy and
/// compares it with `memcmp` whenever `TimingDigestGeneration` has moved, so a patched slot makes
/// a new record) and of the model's state relative to `base`, the cycle after
/// its first dispatch cycle: the micro-ops already in the dispatch group, the last retire cycle,
/// the scoreboard entries of the registers it reads before writing, and the busy bits of the pipes
/// its classes can use in the 64 cycles from `base`. Entries and the last retire cycle at or before
/// `base` are all the same to it (nothing of the run issues or completes before `base`), so they
/// are keyed as 0. What it does is relative to `base` too: the pipe cycles it reserves, the
/// scoreboard entries it leaves, the retire cycle it leaves in each of its window positions and
/// the dispatch group after it. A run is remembered only where nothing else enters:
/// - every instruction-cache line it crosses into and every data line it touches is its set's most
///   recent (`CacheModel.isMostRecent`), so the accesses hit and change nothing;
/// - no instruction serialises or maintains a cache;
/// - the reorder window cannot hold it back (the caller's test) and it issues within the 64 keyed
///   cycles (its last retire cycle is less than 64 after `base`, and it reserves nothing after);
/// - its branch (the last instruction), predicted afresh on every replay, did not redirect the
///   front end when it was recorded.
///
/// Records sit in a direct-mapped table by first PC and length, each with a few remembered states;
/// a record whose states are rarely met again stops being looked up.
struct RunTimingMemo {
    /// Runs shorter than this are timed directly (the lookup would cost about as much). At least
    /// 2: a single instruction may be timed from a digest on the stack (`RetiredBatch.withOne`),
    /// whose address says nothing about its contents.
    static let shortestRun = 5
    /// Runs longer than this are timed directly (their states rarely repeat within 64 cycles).
    static let longestRun = 32
    static let tableSize = 4096
    static let statesPerRecord = 8
    /// Lookups after which a record that hits in fewer than a quarter of them is switched off.
    static let trialLookups: UInt64 = 256

    /// Whether runs of `length` instructions are looked up (the caller tests before `retire`).
    @inline(__always)
    static func remembers(length: Int) -> Bool {
        UInt(bitPattern: length &- shortestRun) <= UInt(longestRun - shortestRun)
    }

    private let table: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    private let costs: UnsafeMutablePointer<PackedClassCost>
    /// Per timing class: the pipes its uses can take, as bits.
    private let classPipes: UnsafeMutablePointer<UInt16>
    /// The key being looked up (`keyCapacity` words), then the pipes' busy bits in the 64 cycles
    /// after the keyed ones, which recording checks the run left alone.
    private let scratch: UnsafeMutablePointer<UInt64>
    private static let keyCapacity = 1 + 16 + 4 * longestRun
    private static let followingWords = keyCapacity
    private static let scratchWords = followingWords + 16

    init(costs: UnsafeMutablePointer<PackedClassCost>, storage: TimingStorage) {
        precondition(Self.shortestRun >= 2)
        table = storage.recordTable(Self.tableSize)
        self.costs = costs
        let classCount = TimingClass.allCases.count
        let pipes = storage.bytes(classCount * 2).withMemoryRebound(to: UInt16.self, capacity: classCount) { $0 }
        for timingClass in TimingClass.allCases {
            let cost = costs[Int(timingClass.rawValue)]
            pipes[Int(timingClass.rawValue)] = (0..<Int(cost.useCount)).reduce(0) { $0 | cost.pipeMask($1) }
        }
        classPipes = pipes
        scratch = storage.words(Self.scratchWords)
    }

    /// What `retire` did: replayed a remembered state (the run is retired), prepared a new state to
    /// record once the caller has timed the run directly, or neither.
    struct Lookup {
        var record: UnsafeMutablePointer<UInt64>? = nil
        var entry: UnsafeMutablePointer<UInt64>? = nil
        var replayed = false
        /// When replayed: the run's last instruction's issue cycle.
        var lastIssue: UInt64 = 0
    }

    /// The model's state a run starts from and leaves, as the retire loop keeps it.
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
    }

    // MARK: Records

    /// A record's header words; the instruction digests follow, then the byte lists, then the states.
    private enum Header {
        /// `use`: states in use (bits 0-7), the next to replace (8-15), the one replayed last (16-23).
        static let instruction = 0, pc = 1, count = 2, generation = 3, shape = 4, layout = 5, use = 6, statistics = 7
        static let words = 8
    }

    /// What a record's layout follows from: `Header.shape` and `Header.layout`, decoded.
    private struct Shape {
        var pipeMask: UInt16 = 0
        var liveIns = 0, written = 0, memoryOperations = 0, count = 0
        /// Off: the run serialises or maintains a cache, or has proved not worth remembering.
        var remembers = true

        init() {}

        init(_ record: UnsafeMutablePointer<UInt64>) {
            let word = record[Header.shape]
            pipeMask = UInt16(truncatingIfNeeded: word)
            liveIns = Int(truncatingIfNeeded: (word &>> 16) & 0xFF)
            written = Int(truncatingIfNeeded: (word &>> 24) & 0xFF)
            memoryOperations = Int(truncatingIfNeeded: (word &>> 32) & 0xFF)
            remembers = word &>> 63 == 0
            count = Int(truncatingIfNeeded: record[Header.count])
        }

        static let off: UInt64 = 1 &<< 63
        var word: UInt64 {
            UInt64(pipeMask) | UInt64(liveIns) &<< 16 | UInt64(written) &<< 24 | UInt64(memoryOperations) &<< 32
                | (remembers ? 0 : Self.off)
        }
        var pipes: Int { pipeMask.nonzeroBitCount }
        var digestBytes: Int { count &* MemoryLayout<TimedInstruction>.stride }
        var digestWords: Int { (digestBytes &+ 7) &>> 3 }
        /// Live-in slots, written slots, memory operations' indices and bytes, micro-ops per instruction.
        var listBytes: Int { liveIns &+ written &+ 2 &* memoryOperations &+ count }
        var listWords: Int { (listBytes &+ 7) &>> 3 }
        var keyWords: Int { 1 &+ pipes &+ liveIns }
        /// Whether recorded (0: not yet, or dropped), key, four scalars (dispatch cycle, group slots, last retire, last issue), the
        /// marked pipe cycles, the written entries, the retire cycle per instruction.
        var stateWords: Int { 1 &+ keyWords &+ 4 &+ pipes &+ written &+ count }
        var listOffset: Int { Header.words &+ digestWords }
        var statesOffset: Int { listOffset &+ listWords }
        var words: Int { statesOffset &+ RunTimingMemo.statesPerRecord &* stateWords }
        /// `Header.layout`: the offsets and sizes a lookup needs, worked out once (the list offset in
        /// bits 0-15, the states' offset in 16-31, a state's words in 32-47).
        var layout: UInt64 { UInt64(listOffset) | UInt64(statesOffset) &<< 16 | UInt64(stateWords) &<< 32 }
    }

    /// Whether the record's digests are the run's.
    private func digestsMatch(_ record: UnsafeMutablePointer<UInt64>, _ run: UnsafePointer<RetiredRun>) -> Bool {
        let stored = UnsafeRawPointer(record + Header.words)
        let live = UnsafeRawPointer(run.pointee.instruction)
        return memcmp(stored, live, Shape(record).digestBytes) == 0
    }

    /// A new record for `run`: its digests copied and its registers, memory operations and pipes
    /// worked out.
    private func makeRecord(for run: UnsafePointer<RetiredRun>, generation: UInt64) -> UnsafeMutablePointer<UInt64> {
        let count = run.pointee.count
        var shape = Shape()
        shape.count = count
        var liveIns: [UInt8] = [], written: [UInt8] = [], memoryIndices: [UInt8] = [], memoryBytes: [UInt8] = []
        var microOps: [UInt8] = []
        for index in 0..<count {
            let instruction = run.pointee.instruction[index]
            let cost = costs[Int(instruction.timingClass.rawValue)]
            if cost.flags & (PackedClassCost.serialising | PackedClassCost.maintainsCaches) != 0 { shape.remembers = false }
            shape.pipeMask |= classPipes[Int(instruction.timingClass.rawValue)]
            for source in [instruction.source0, instruction.source1, instruction.source2, instruction.source3]
            where source != TimedInstruction.noSource && !written.contains(source) && !liveIns.contains(source) {
                liveIns.append(source)
            }
            var results = [instruction.result]
            if instruction.writesFurtherResults {
                results += [instruction.secondResult, instruction.writtenBase, instruction.flagsResult]
            }
            for result in results where result != TimedInstruction.noResult && !written.contains(result) {
                written.append(result)
            }
            if cost.flags & PackedClassCost.accessesMemory != 0 {
                memoryIndices.append(UInt8(index))
                memoryBytes.append(instruction.accessBytes)
            }
            microOps.append(cost.microOps)
        }
        shape.liveIns = liveIns.count
        shape.written = written.count
        shape.memoryOperations = memoryIndices.count
        let record = UnsafeMutablePointer<UInt64>.allocate(capacity: shape.words)
        record.initialize(repeating: 0, count: shape.words)
        record[Header.instruction] = UInt64(UInt(bitPattern: run.pointee.instruction))
        record[Header.pc] = run.pointee.pc
        record[Header.count] = UInt64(count)
        record[Header.generation] = generation
        record[Header.shape] = shape.word
        record[Header.layout] = shape.layout
        UnsafeMutableRawPointer(record + Header.words).copyMemory(from: run.pointee.instruction, byteCount: shape.digestBytes)
        let list = UnsafeMutableRawPointer(record + shape.listOffset).assumingMemoryBound(to: UInt8.self)
        for (offset, byte) in (liveIns + written + memoryIndices + memoryBytes + microOps).enumerated() { list[offset] = byte }
        return record
    }

    /// `run`'s record, made (or made again, where the slot holds another run) if needed.
    @inline(__always)
    private func record(for run: UnsafePointer<RetiredRun>) -> UnsafeMutablePointer<UInt64> {
        let count = run.pointee.count, pc = run.pointee.pc
        let slot = Int(truncatingIfNeeded: ((pc &>> 2) ^ UInt64(truncatingIfNeeded: count) &* 0x9E37) & UInt64(Self.tableSize - 1))
        let generation = TimingDigestGeneration.current
        if let existing = table[slot], existing[Header.pc] == pc, existing[Header.count] == UInt64(truncatingIfNeeded: count),
           existing[Header.instruction] == UInt64(UInt(bitPattern: run.pointee.instruction)) {
            if _fastPath(existing[Header.generation] == generation) { return existing }
            if digestsMatch(existing, run) {
                existing[Header.generation] = generation
                return existing
            }
        }
        table[slot]?.deallocate()
        let made = makeRecord(for: run, generation: generation)
        table[slot] = made
        return made
    }

    // MARK: Looking up and replaying

    /// Retires `run` (whose length `remembers`) from memory where it has been in the present state before, updating `state`
    /// and the structures as timing it would have, except for its branch, which the caller predicts
    /// (`Lookup.replayed`, `Lookup.lastIssue`). Otherwise, where it can be remembered from this
    /// state, returns a new state for `record` to complete once the caller has timed the run.
    /// `state.dispatchCycle` is the cycle its first instruction would dispatch in, after the front
    /// end has delivered it.
    @inline(__always)
    func retire(_ run: UnsafePointer<RetiredRun>, data: UnsafePointer<UInt64>, state: inout LoopState,
                structures: Structures, dataCache: CacheModel, instructionCache: CacheModel) -> Lookup {
        let count = run.pointee.count
        let record = self.record(for: run)
        let shapeWord = record[Header.shape]
        guard shapeWord & Shape.off == 0 else { return Lookup() }
        let schedule = structures.schedule
        let base = state.dispatchCycle &+ 1
        guard base &+ 128 <= schedule.horizonEnd else { return Lookup() }
        let layout = record[Header.layout]
        let list = UnsafeMutableRawPointer(record + Int(truncatingIfNeeded: layout & 0xFFFF)).assumingMemoryBound(to: UInt8.self)
        let liveIns = Int(truncatingIfNeeded: (shapeWord &>> 16) & 0xFF)
        let written = Int(truncatingIfNeeded: (shapeWord &>> 24) & 0xFF)
        let memoryOperations = Int(truncatingIfNeeded: (shapeWord &>> 32) & 0xFF)
        let pipeMask = UInt16(truncatingIfNeeded: shapeWord)

        // The accesses must hit and change nothing.
        let memoryList = list + (liveIns &+ written)
        for operation in 0..<memoryOperations {
            let address = data[Int(memoryList[operation])]
            let first = address &>> CacheModel.lineShift
            let last = (address &+ UInt64(memoryList[memoryOperations &+ operation]) &- 1) &>> CacheModel.lineShift
            if !dataCache.isMostRecent(first) || !dataCache.isMostRecent(last) { return Lookup() }
        }
        let pc = run.pointee.pc
        let lastLine = (pc &+ UInt64(count &- 1) &* 4) &>> CacheModel.lineShift
        if _slowPath(lastLine != pc &>> CacheModel.lineShift) {
            var line = pc &>> CacheModel.lineShift
            while line != lastLine {
                line &+= 1
                if !instructionCache.isMostRecent(line) { return Lookup() }
            }
        }

        // The key.
        let relativeRetire = state.lastRetire > base ? state.lastRetire &- base : 0
        guard relativeRetire < 1 &<< 40 else { return Lookup() }
        let key = scratch
        key[0] = state.slotsUsed | relativeRetire &<< 8
        var keyed = 1
        var pipes = pipeMask
        while pipes != 0 {
            key[keyed] = schedule.window(pipes.trailingZeroBitCount, from: base)
            pipes &= pipes &- 1
            keyed &+= 1
        }
        let pipeCount = keyed &- 1
        let baseEntry = base &<< 6
        let scoreboard = structures.scoreboard
        for index in 0..<liveIns {
            let entry = scoreboard[Int(list[index])]
            let relative = entry &>> 6 > base ? entry &- baseEntry : 0
            guard relative &>> 6 < 2048 else { return Lookup() }
            key[keyed] = relative
            keyed &+= 1
        }

        // The states, from the one replayed last (a loop's run tends to meet the same state again).
        let states = record + Int(truncatingIfNeeded: (layout &>> 16) & 0xFFFF)
        let stride = Int(truncatingIfNeeded: (layout &>> 32) & 0xFFFF)
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
                let lastIssue = replay(stateEntry + (1 &+ keyed), base: base, pipeMask: pipeMask, pipeCount: pipeCount,
                                       written: list + liveIns, writtenCount: written,
                                       microOps: list + (liveIns &+ written &+ 2 &* memoryOperations), count: count,
                                       state: &state, structures: structures)
                return Lookup(record: record, entry: stateEntry, replayed: true, lastIssue: lastIssue)
            }
            candidate = candidate &+ 1 == used ? 0 : candidate &+ 1
        }

        // Not remembered: record this state, unless the record has proved not worth keeping.
        let statistics = record[Header.statistics] &+ 1
        record[Header.statistics] = statistics
        let lookups = statistics & 0xFFFF_FFFF, hits = statistics &>> 32
        if lookups >= Self.trialLookups && hits &* 4 < lookups {
            record[Header.shape] |= Shape.off
            return Lookup()
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
        return Lookup(record: record, entry: entry, replayed: false)
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

    /// Applies a remembered state's outputs, which start at `output`; returns the last issue cycle.
    @inline(__always)
    private func replay(_ output: UnsafeMutablePointer<UInt64>, base: UInt64, pipeMask: UInt16, pipeCount: Int,
                        written: UnsafeMutablePointer<UInt8>, writtenCount: Int, microOps: UnsafeMutablePointer<UInt8>,
                        count: Int, state: inout LoopState, structures: Structures) -> UInt64 {
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
        for slot in 0..<writtenCount { scoreboard[Int(written[slot])] = entries[slot] &+ baseEntry }
        let retires = entries + writtenCount
        let windowRetire = structures.windowRetire, mask = structures.windowMask
        var position = state.position
        for instruction in 0..<count {
            let retire = retires[instruction] &+ base
            let slot = Int(truncatingIfNeeded: position)
            windowRetire[slot & mask] = retire
            windowRetire[(slot &+ 1) & mask] = retire
            windowRetire[(slot &+ 2) & mask] = retire
            windowRetire[(slot &+ 3) & mask] = retire
            position &+= UInt64(microOps[instruction])
        }
        state.position = position
        state.dispatchCycle &+= output[0]
        state.slotsUsed = output[1]
        state.lastRetire = output[2] &+ base
        return output[3] &+ base
    }

    /// Completes the state `retire` prepared, after the run was timed directly from `start` to
    /// `end`; drops it where the run did not keep to what can be remembered (see the type).
    func record(_ found: Lookup, start: LoopState, end: LoopState, lastIssue: UInt64, redirected: Bool,
                structures: Structures) {
        guard let record = found.record, let entry = found.entry else { return }
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
        let microOps = list + (shape.liveIns &+ shape.written &+ 2 &* shape.memoryOperations)
        var position = start.position
        for instruction in 0..<shape.count {
            output[instruction] = structures.windowRetire[Int(truncatingIfNeeded: position) & structures.windowMask] &- base
            position &+= UInt64(microOps[instruction])
        }
        entry[0] = 1
    }
}
