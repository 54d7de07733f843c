import A64

/// An in-order, multi-issue pipeline (Cortex-A53 class).
///
/// Instructions issue in program order, up to the issue width in micro-ops per cycle. One waits
/// until its operands are ready (with the profile's forwarding), a pipe of each kind it needs is
/// free, and — as the in-order cores write results in program order — until its first result
/// would not be written before the last result of an earlier instruction. Branch mispredictions,
/// instruction cache misses and serialising instructions delay the front end; data cache misses
/// delay load results.
public struct InOrderCycleModel: CycleModel {
    var core: MicroarchitectureCore
    private let pipeFreeAt: UnsafeMutablePointer<UInt64>
    private let pipeCount: Int
    private let width: UInt64
    private let writesBackInOrder: Bool
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
        core = MicroarchitectureCore(profile: profile)
        pipeCount = profile.pipes.count
        pipeFreeAt = core.storage.words(pipeCount)
        width = UInt64(profile.issueWidth.value)
        slotsLeft = width
        writesBackInOrder = profile.inOrderWriteback.value
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
        core.fetch(pc, at: issueCycle)

        var cycle = max(issueCycle, core.fetchReady)
        if cycle > issueCycle { issueCycle = cycle; slotsLeft = width }
        let microOps = UInt64(cost.microOps)
        if slotsLeft < microOps && microOps <= width {
            issueCycle += 1
            slotsLeft = width
            cycle = issueCycle
        }
        cycle = max(cycle, core.operandsReady(use))
        if cost.serialisation > 0 { cycle = max(cycle, completed) }
        var use0 = 0, use1 = 0
        for index in 0..<Int(cost.useCount) {
            let (pipe, free) = earliestPipe(cost.pipeMask(index), excluding: index == 1 ? use0 : -1)
            if index == 0 { use0 = pipe } else if index == 1 { use1 = pipe }
            cycle = max(cycle, free)
        }
        if writesBackInOrder {
            let first = core.writebackSpan(use, cost: cost).first
            if lastWriteBack > cycle &+ first { cycle = lastWriteBack - first }
        }
        let extra = core.accessData(instruction, class: timingClass, address: dataAddress)

        if cycle > issueCycle { issueCycle = cycle; slotsLeft = width }
        if microOps <= slotsLeft {
            slotsLeft -= microOps
        } else {
            let over = microOps - slotsLeft
            let extraCycles = (over + width - 1) / width
            issueCycle += extraCycles
            slotsLeft = extraCycles * width - over
        }
        for index in 0..<Int(cost.useCount) {
            let pipe = index == 0 ? use0 : index == 1 ? use1 : earliestPipe(cost.pipeMask(index), excluding: -1).pipe
            pipeFreeAt[pipe] = cycle &+ UInt64(cost.busy(index))
        }

        core.writeResults(use, issue: cycle, cost: cost, extra: extra)
        // The issuing instruction's full latency, results or not, bounds the next one's writeback.
        let span = core.writebackSpan(use, cost: cost)
        lastWriteBack = max(lastWriteBack, cycle &+ max(UInt64(cost.latency), span.last) &+ extra)
        var complete = cycle &+ UInt64(cost.latency) &+ extra
        if cost.serialisation > 0 {
            complete = cycle &+ UInt64(cost.serialisation)
            core.fetchReady = max(core.fetchReady, complete)
        }
        completed = max(completed, complete)
        if timingClass.isBranch {
            core.resolveBranch(class: timingClass, pc: pc, nextPC: nextPC, resolved: cycle &+ UInt64(cost.latency))
        }
        core.counters.cycles = completed
    }

    /// The pipe of `mask` (other than `excluded`) that frees up first, and when.
    @inline(__always)
    private func earliestPipe(_ mask: UInt16, excluding excluded: Int) -> (pipe: Int, free: UInt64) {
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

    public mutating func exceptionTaken(from pc: UInt64, to vector: UInt64) {
        core.counters.exceptions &+= 1
        let drained = max(completed, issueCycle)
        core.fetchReady = max(core.fetchReady, drained &+ core.exceptionEntry)
        completed = core.fetchReady
        core.counters.cycles = completed
    }

    public mutating func resetMicroarchitecturalState() {
        core.resetPredictorsAndCaches()
    }
}
