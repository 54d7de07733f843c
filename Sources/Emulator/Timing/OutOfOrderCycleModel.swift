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

    @inline(__always)
    public mutating func retire(_ instruction: TimedInstruction, pc: UInt64, nextPC: UInt64, dataAddress: UInt64) {
        let timingClass = instruction.timingClass
        let cost = core.costs[Int(timingClass.rawValue)]
        let use = instruction
        core.counters.instructions &+= 1
        core.fetch(pc, at: dispatchCycle)

        // Dispatch: in order, `width` micro-ops per cycle, into a window with room.
        let microOps = UInt64(cost.microOps)
        if core.fetchReady > dispatchCycle { dispatchCycle = core.fetchReady; dispatchSlotsUsed = 0 }
        if dispatchSlotsUsed > 0 && dispatchSlotsUsed + microOps > width {
            dispatchCycle += 1
            dispatchSlotsUsed = 0
        }
        while windowCount > 0 && (windowMicroOpsInFlight + microOps > window || windowCount == Self.windowCapacity) {
            let retired = windowRetire[windowHead]
            windowMicroOpsInFlight -= UInt64(windowMicroOps[windowHead])
            windowHead = (windowHead + 1) & (Self.windowCapacity - 1)
            windowCount -= 1
            if retired > dispatchCycle { dispatchCycle = retired; dispatchSlotsUsed = 0 }
        }
        dispatchSlotsUsed += microOps
        let dispatched = dispatchCycle
        while dispatchSlotsUsed > width { dispatchCycle += 1; dispatchSlotsUsed -= width }
        schedule.forget(before: dispatched > 64 ? dispatched - 64 : 0)

        // Issue: operands ready, pipes free.
        var earliest = max(dispatched &+ 1, core.operandsReady(use))
        if cost.serialisation > 0 { earliest = max(earliest, lastRetire) }
        let issue = schedule.reserve(cost, earliest: earliest)
        let extra = core.accessData(instruction, class: timingClass, address: dataAddress)
        core.writeResults(use, issue: issue, cost: cost, extra: extra)

        // Complete and retire in order.
        var complete = issue &+ UInt64(cost.latency) &+ extra
        if cost.serialisation > 0 {
            complete = issue &+ UInt64(cost.serialisation)
            core.fetchReady = max(core.fetchReady, complete)
        }
        lastRetire = max(lastRetire, complete)
        let tail = (windowHead + windowCount) & (Self.windowCapacity - 1)
        windowRetire[tail] = lastRetire
        windowMicroOps[tail] = cost.microOps
        windowCount += 1
        windowMicroOpsInFlight += microOps

        if timingClass.isBranch {
            core.resolveBranch(class: timingClass, pc: pc, nextPC: nextPC, resolved: issue &+ UInt64(cost.latency))
        }
        core.counters.cycles = lastRetire
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
