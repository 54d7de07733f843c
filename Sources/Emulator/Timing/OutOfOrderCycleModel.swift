import A64

/// An out-of-order approximation (Cortex-A72 and Neoverse N1 class).
///
/// Instructions dispatch in program order, up to the dispatch width in micro-ops per cycle, into
/// a reorder window of the profile's size; each issues at the first cycle its operands are ready
/// and a pipe of each kind it needs is free (earlier gaps included, oldest first), completes after
/// its latency, and retires in order. Branch mispredictions redirect the front end after the branch
/// resolves; serialising instructions wait for everything before them to retire.
public struct OutOfOrderCycleModel: CycleModel {
    var core: MicroarchitectureCore
    private var schedule: PipeSchedule
    private let width: UInt64
    private let window: UInt64
    /// The reorder window: retire cycle and micro-ops of instructions in flight, oldest first.
    private let windowRetire: UnsafeMutablePointer<UInt64>
    private let windowMicroOps: UnsafeMutablePointer<UInt8>
    private static let windowCapacity = 512
    private var windowHead = 0
    private var windowCount = 0
    private var windowMicroOpsInFlight: UInt64 = 0
    /// The cycle the current dispatch group enters the window.
    private var dispatchCycle: UInt64 = 0
    /// Micro-ops already in the current dispatch group.
    private var dispatchSlotsUsed: UInt64 = 0
    /// Retire cycle of the youngest instruction.
    private var lastRetire: UInt64 = 0

    /// A cold pipeline for `profile`.
    public init(profile: CPUProfile) {
        core = MicroarchitectureCore(profile: profile)
        schedule = PipeSchedule(pipeCount: profile.pipes.count, storage: core.storage)
        width = UInt64(profile.issueWidth.value)
        window = UInt64(profile.reorderWindow.value)
        windowRetire = core.storage.words(Self.windowCapacity)
        windowMicroOps = core.storage.bytes(Self.windowCapacity)
    }

    public static var timesEachInstruction: Bool { true }

    public mutating func retire(count: UInt64) {}

    public var cycles: UInt64 { core.counters.cycles }
    public var counters: TimingCounters { core.counters }
    public var profile: CPUProfile { core.profile }

    public mutating func retire(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64) {
        withUnsafePointer(to: instruction) { pointer in
            var entry = RetiredInstruction(instruction: pointer, pc: pc, nextPC: nextPC, dataAddress: dataAddress)
            withUnsafePointer(to: &entry) { retire(UnsafeBufferPointer(start: $0, count: 1)) }
        }
    }

    /// Retires a run of instructions in order, with the pipeline's scalar state in locals.
    public mutating func retire(_ batch: UnsafeBufferPointer<RetiredInstruction>) {
        let costs = core.costs
        let windowRetire = self.windowRetire, windowMicroOps = self.windowMicroOps
        let width = self.width, window = self.window
        let missLatency = core.missLatency, mispredictPenalty = core.mispredictPenalty
        var dispatchCycle = self.dispatchCycle, slotsUsed = dispatchSlotsUsed
        var head = windowHead, count = windowCount, inFlight = windowMicroOpsInFlight
        var lastRetire = self.lastRetire
        var fetchReady = core.fetchReady
        var lastFetchLine = core.lastFetchLine
        var instructions = core.counters.instructions
        let fetchLineShift = core.instructionCache.lineShift
        defer {
            self.dispatchCycle = dispatchCycle
            dispatchSlotsUsed = slotsUsed
            windowHead = head
            windowCount = count
            windowMicroOpsInFlight = inFlight
            self.lastRetire = lastRetire
            core.fetchReady = fetchReady
            core.lastFetchLine = lastFetchLine
            core.counters.instructions = instructions
            core.counters.cycles = lastRetire
        }

        for entry in batch {
            let instruction = entry.instruction
            let timingClass = instruction.pointee.timingClass
            // The class cost is read where needed, through a pointer (not copied into registers up front).
            let cost = costs + Int(timingClass.rawValue)
            instructions &+= 1

            // Fetch: a new instruction-cache line is looked up; a miss delays the front end.
            let line = entry.pc &>> fetchLineShift
            if line != lastFetchLine {
                lastFetchLine = line
                if !core.instructionCache.accessLine(line) {
                    core.counters.instructionCacheMisses &+= 1
                    fetchReady = max(fetchReady, dispatchCycle) &+ missLatency
                }
            }

            // Dispatch: in order, `width` micro-ops per cycle, into a window with room.
            let microOps = UInt64(cost.pointee.microOps)
            if fetchReady > dispatchCycle { dispatchCycle = fetchReady; slotsUsed = 0 }
            if slotsUsed > 0 && slotsUsed &+ microOps > width {
                dispatchCycle &+= 1
                slotsUsed = 0
            }
            // Entries retire in nondecreasing cycles (each is the running maximum), so the last one
            // freed is the latest: dispatch waits for it alone.
            var latestFreed: UInt64 = 0
            while count > 0 && (inFlight &+ microOps > window || count == Self.windowCapacity) {
                latestFreed = windowRetire[head]
                inFlight &-= UInt64(windowMicroOps[head])
                head = (head &+ 1) & (Self.windowCapacity - 1)
                count &-= 1
            }
            if latestFreed > dispatchCycle { dispatchCycle = latestFreed; slotsUsed = 0 }
            slotsUsed &+= microOps
            let dispatched = dispatchCycle
            while slotsUsed > width { dispatchCycle &+= 1; slotsUsed &-= width }
            schedule.forget(before: dispatched > 64 ? dispatched &- 64 : 0)

            // Issue: operands ready, pipes free.
            var earliest = max(dispatched &+ 1, core.operandsReady(instruction.pointee))
            if cost.pointee.serialisation > 0 { earliest = max(earliest, lastRetire) }
            let issue = schedule.reserve(cost, earliest: earliest)
            var extra: UInt64 = 0
            if timingClass.accessesMemory {
                extra = core.accessDataCache(bytes: instruction.pointee.accessBytes, isLoad: timingClass.isLoad,
                                             address: entry.dataAddress)
            } else if instruction.pointee.cacheOperation != .none {
                let operation = instruction.pointee.cacheOperation
                core.applyCacheMaintenance(operation, address: entry.dataAddress)
                if operation != .dataInvalidateLine { lastFetchLine = .max }
            }
            core.writeResults(instruction.pointee, issue: issue, cost: cost.pointee, extra: extra)

            // Complete and retire in order.
            var complete = issue &+ UInt64(cost.pointee.latency) &+ extra
            if cost.pointee.serialisation > 0 {
                complete = issue &+ UInt64(cost.pointee.serialisation)
                fetchReady = max(fetchReady, complete)
            }
            lastRetire = max(lastRetire, complete)
            let tail = (head &+ count) & (Self.windowCapacity - 1)
            windowRetire[tail] = lastRetire
            windowMicroOps[tail] = cost.pointee.microOps
            count &+= 1
            inFlight &+= microOps

            if timingClass.isBranch,
               core.branchMispredicted(class: timingClass, pc: entry.pc, nextPC: entry.nextPC) {
                fetchReady = max(fetchReady, issue &+ UInt64(cost.pointee.latency) &+ mispredictPenalty)
            }
        }
    }

    public mutating func exceptionTaken(from pc: UInt64, to vector: UInt64) {
        core.counters.exceptions &+= 1
        let drained = max(lastRetire, dispatchCycle)
        core.fetchReady = max(core.fetchReady, drained &+ core.exceptionEntry)
        lastRetire = core.fetchReady
        core.counters.cycles = lastRetire
    }

    public mutating func resetMicroarchitecturalState() {
        core.resetPredictorsAndCaches()
    }
}
