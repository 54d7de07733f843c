import A64

/// What the in-order and out-of-order models share: the profile's cost table, the register
/// scoreboard, the branch predictor, the L1 caches, the front end's redirect time and the counters.
struct MicroarchitectureCore {
    let storage: TimingStorage
    /// The profile, boxed: a model is moved out of its machine and back on every run, and each
    /// copy of a `CPUProfile` value retains every one of its many fields.
    private let profileBox: ProfileBox
    var profile: CPUProfile { profileBox.profile }
    /// The profile's name, without copying the profile.
    var profileName: String { profileBox.profile.name }
    /// Cost per `TimingClass.rawValue`.
    let costs: UnsafeMutablePointer<PackedClassCost>
    /// Forwarding cycles per row (operand role × 3): the cycles for producer kinds 0, 1, 2 in bits 0–7,
    /// 8–15, 16–23, so the scoreboard entry itself, whose low six bits are the producer kind × 8,
    /// is the shift that selects them (a shift takes its count modulo 64).
    let forwardingRows: UnsafeMutablePointer<UInt64>
    /// The operand roles with a forwarding path, as bits `1 << OperandRole.rawValue`.
    let forwardingRoles: UInt16
    /// Per register slot: the cycle its latest value can be read at full latency, shifted left by
    /// six, with the producer kind of that value (see `PackedClassCost.producerKind`) times eight in
    /// the low six bits: one word read and written per operand. `scoreboardWords` words, followed
    /// in the same buffer by the words the model asked for (`modelArea`), so a model's hot state
    /// is reached from one pointer.
    let scoreboard: UnsafeMutablePointer<UInt64>
    static let scoreboardWords = 64

    var predictor: BranchPredictor
    var instructionCache: CacheModel
    var dataCache: CacheModel
    var counters = TimingCounters()

    /// The earliest cycle the front end delivers the next instruction (after a redirect or a miss).
    var fetchReady: UInt64 = 0
    /// The instruction-cache line fetched last (sequential fetch within a line costs no lookup).
    var lastFetchLine: UInt64 = .max

    let mispredictPenalty: UInt64
    let missLatency: UInt64
    let exceptionEntry: UInt64

    init(profile: CPUProfile, modelWords: Int = 0) {
        let storage = TimingStorage()
        self.storage = storage
        profileBox = ProfileBox(profile)
        let classCount = TimingClass.allCases.count
        let costTable = UnsafeMutablePointer<PackedClassCost>.allocate(capacity: classCount)
        costTable.initialize(repeating: PackedClassCost(), count: classCount)
        for timingClass in TimingClass.allCases {
            costTable[Int(timingClass.rawValue)] = PackedClassCost(profile.cost(of: timingClass), timingClass: timingClass,
                                                                   profile: profile)
        }
        storage.adopt(costTable)
        costs = costTable
        precondition(TimedInstruction.scoreboardSlots <= Self.scoreboardWords)
        scoreboard = storage.pageAlignedWords(Self.scoreboardWords + modelWords)
        // Forwarding cycles per (operand role × 3 + producer kind), packed into rows below.
        let rowCount = OperandRole.allCases.count * 3
        var forwarding = [UInt8](repeating: 0, count: rowCount)
        for path in profile.forwarding {
            let row = Int(path.role.rawValue) * 3
            forwarding[row + 2] = UInt8(path.cycles)
            if !path.onlyFromMultiply { forwarding[row + 1] = UInt8(path.cycles) }
        }
        forwardingRows = storage.words(rowCount)
        for row in stride(from: 0, to: rowCount, by: 3) {
            forwardingRows[row] = UInt64(forwarding[row]) | UInt64(forwarding[row + 1]) << 8 | UInt64(forwarding[row + 2]) << 16
        }
        var roles: UInt16 = 0
        for path in profile.forwarding where path.cycles != 0 { roles |= 1 << UInt16(path.role.rawValue) }
        forwardingRoles = roles
        predictor = BranchPredictor(profile: profile, storage: storage)
        instructionCache = CacheModel(geometry: profile.instructionCache.value, storage: storage)
        dataCache = CacheModel(geometry: profile.dataCache.value, storage: storage)
        mispredictPenalty = UInt64(profile.mispredictPenalty.value)
        missLatency = UInt64(profile.missLatency.value)
        exceptionEntry = UInt64(profile.exceptionEntry.value)
    }

    /// The words after the scoreboard that the model asked for.
    var modelArea: UnsafeMutablePointer<UInt64> { scoreboard + Self.scoreboardWords }

    /// Cold predictors and caches.
    mutating func resetPredictorsAndCaches() {
        predictor.reset()
        instructionCache.reset()
        dataCache.reset()
        lastFetchLine = .max
    }

    /// The cycle at which every source of `instruction` can be read, with the profile's forwarding,
    /// or a negative number when all can be read at cycle 0. (Absent sources read a slot that is
    /// always ready at 0, so all four are looked at.) Callers take the maximum with a cycle of at
    /// least 0, which is what clamping each source's cycle at 0 would give.
    @inline(__always)
    func operandsReadySigned(_ instruction: UnsafePointer<TimedInstruction>) -> Int64 {
        Self.operandsReadySigned(instruction, scoreboard: scoreboard, forwardingRows: forwardingRows,
                                 forwardingRoles: forwardingRoles)
    }

    /// `operandsReadySigned` with the tables passed in (a model's loop keeps them in locals).
    @inline(__always)
    static func operandsReadySigned(_ instruction: UnsafePointer<TimedInstruction>, scoreboard: UnsafeMutablePointer<UInt64>,
                                    forwardingRows: UnsafeMutablePointer<UInt64>, forwardingRoles: UInt16) -> Int64 {
        let a = scoreboard[Int(instruction.pointee.source0)], b = scoreboard[Int(instruction.pointee.source1)]
        if _fastPath(instruction.pointee.sourceRoles & forwardingRoles == 0) {
            // No source can read early: the latest entry holds the latest cycle.
            var latest = max(a, b)
            if _slowPath(instruction.pointee.readsThirdSource) {
                latest = max(latest, max(scoreboard[Int(instruction.pointee.source2)], scoreboard[Int(instruction.pointee.source3)]))
            }
            return Int64(bitPattern: latest &>> 6)
        }
        let c = scoreboard[Int(instruction.pointee.source2)], d = scoreboard[Int(instruction.pointee.source3)]
        @inline(__always)
        func usable(_ entry: UInt64, _ row: UInt8) -> Int64 {
            let early = (forwardingRows[Int(row)] &>> entry) & 0xFF
            return Int64(bitPattern: entry &>> 6) &- Int64(bitPattern: early)
        }
        return max(max(usable(a, instruction.pointee.row0), usable(b, instruction.pointee.row1)),
                   max(usable(c, instruction.pointee.row2), usable(d, instruction.pointee.row3)))
    }

    /// Records when the results of an instruction issued at `issue` become readable; `extra` is
    /// added to memory results (a data cache miss). Absent results write a slot nothing reads.
    @inline(__always)
    func writeResults(_ instruction: UnsafePointer<TimedInstruction>, issue: UInt64, cost: UnsafePointer<PackedClassCost>,
                      extra: UInt64) {
        Self.writeResults(instruction, issue: issue, cost: cost, extra: extra, scoreboard: scoreboard)
    }

    /// `writeResults` with the scoreboard passed in.
    @inline(__always)
    static func writeResults(_ instruction: UnsafePointer<TimedInstruction>, issue: UInt64, cost: UnsafePointer<PackedClassCost>,
                             extra: UInt64, scoreboard: UnsafeMutablePointer<UInt64>) {
        let issued = issue &<< 6, loaded = (issue &+ extra) &<< 6
        scoreboard[Int(instruction.pointee.result)] = loaded &+ cost.pointee.resultWord
        if _slowPath(instruction.pointee.writesFurtherResults) {
            scoreboard[Int(instruction.pointee.secondResult)] = loaded &+ cost.pointee.secondResultWord
            scoreboard[Int(instruction.pointee.writtenBase)] = issued &+ cost.pointee.writebackWord
            scoreboard[Int(instruction.pointee.flagsResult)] = issued &+ (cost.pointee.resultWord & ~63)
        }
    }

    /// Looks up instruction-cache line `line` for fetch; counts and reports a miss (the caller
    /// delays its front end).
    @inline(__always)
    mutating func fetchMisses(line: UInt64) -> Bool {
        if instructionCache.accessLine(line) { return false }
        counters.instructionCacheMisses &+= 1
        return true
    }

    /// Looks up the data cache for a memory access of `bytes` at `address`; returns the cycles a
    /// load's result is delayed by (a miss on a store costs nothing: the store buffer absorbs it).
    @inline(__always)
    mutating func accessDataCache(bytes: UInt8, isLoad: Bool, address: UInt64) -> UInt64 {
        // The lines of the access's first and last bytes.
        let first = address &>> CacheModel.lineShift
        let last = (address &+ UInt64(bytes) &- 1) &>> CacheModel.lineShift
        var hit = dataCache.accessLine(first)
        if _slowPath(last != first) { hit = dataCache.accessLine(last) && hit }
        if _fastPath(hit) { return 0 }
        counters.dataCacheMisses &+= 1
        return isLoad ? missLatency : 0
    }

    /// Applies a cache maintenance instruction's effect to the cache models; returns whether the
    /// instruction cache changed, so the next fetch must look its line up again (the caller
    /// forgets its last fetch line).
    mutating func applyCacheMaintenance(_ operation: TimedInstruction.CacheEffect, address: UInt64) -> Bool {
        switch operation {
        case .none:
            return false
        case .dataInvalidateLine:
            dataCache.invalidate(address)
            return false
        case .instructionInvalidateLine:
            instructionCache.invalidate(address)
            return true
        case .instructionInvalidateAll:
            instructionCache.reset()
            return true
        }
    }

    /// Counts an exception taken once the pipeline has drained at cycle `drained` and delays the
    /// front end by the entry cost; returns the cycle the handler's first instruction can start
    /// from, which is also the count of cycles so far.
    mutating func exceptionEntered(drainedAt drained: UInt64) -> UInt64 {
        counters.exceptions &+= 1
        fetchReady = max(fetchReady, drained &+ exceptionEntry)
        counters.cycles = fetchReady
        return fetchReady
    }

    /// Predicts the branch at `pc` (going to `nextPC`) as its class's predictor bits say
    /// (`PackedClassCost.usesPredictor`), learns it and counts a misprediction; returns whether it
    /// was mispredicted (the caller redirects the front end).
    @inline(__always)
    mutating func branchMispredicted(flags: UInt8, pc: UInt64, nextPC: UInt64) -> Bool {
        if flags & PackedClassCost.predictsDirection != 0 {
            let mispredicted = predictor.conditionalMispredicted(pc: pc, taken: nextPC != pc &+ 4)
            if mispredicted { counters.branchMispredicts &+= 1 }
            return mispredicted
        }
        var mispredicted = false
        if flags & PackedClassCost.predictsTarget != 0 {
            mispredicted = predictor.indirectMispredicted(pc: pc, target: nextPC)
            if mispredicted { counters.branchMispredicts &+= 1 }
        }
        if flags & PackedClassCost.popsReturn != 0 {
            mispredicted = predictor.returnMispredicted(target: nextPC)
            if mispredicted { counters.returnMispredicts &+= 1 }
        }
        if flags & PackedClassCost.pushesReturn != 0 { predictor.pushReturn(pc &+ 4) }
        return mispredicted
    }
}

/// A `CPUProfile` behind one reference.
final class ProfileBox: Sendable {
    let profile: CPUProfile

    init(_ profile: CPUProfile) {
        self.profile = profile
    }
}
