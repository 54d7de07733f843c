/// The events a cycle model counts: what every measurement window and attribution reports.
public struct TimingCounters: Sendable, Equatable, Hashable {
    /// Core cycles.
    public var cycles: UInt64 = 0
    /// Instructions retired.
    public var instructions: UInt64 = 0
    /// Exceptions taken (synchronous and IRQ).
    public var exceptions: UInt64 = 0
    /// Mispredicted conditional and indirect branches (returns are counted separately).
    public var branchMispredicts: UInt64 = 0
    /// Returns whose target differed from the return-address stack's prediction.
    public var returnMispredicts: UInt64 = 0
    /// L1 instruction cache misses.
    public var instructionCacheMisses: UInt64 = 0
    /// L1 data cache misses.
    public var dataCacheMisses: UInt64 = 0

    public init() {}

    /// The counts accumulated between `earlier` and `self`.
    public static func - (later: TimingCounters, earlier: TimingCounters) -> TimingCounters {
        var delta = TimingCounters()
        delta.cycles = later.cycles &- earlier.cycles
        delta.instructions = later.instructions &- earlier.instructions
        delta.exceptions = later.exceptions &- earlier.exceptions
        delta.branchMispredicts = later.branchMispredicts &- earlier.branchMispredicts
        delta.returnMispredicts = later.returnMispredicts &- earlier.returnMispredicts
        delta.instructionCacheMisses = later.instructionCacheMisses &- earlier.instructionCacheMisses
        delta.dataCacheMisses = later.dataCacheMisses &- earlier.dataCacheMisses
        return delta
    }

    /// The sum of two sets of counts.
    public static func + (left: TimingCounters, right: TimingCounters) -> TimingCounters {
        var sum = left
        sum += right
        return sum
    }

    public static func += (left: inout TimingCounters, right: TimingCounters) {
        left.cycles &+= right.cycles
        left.instructions &+= right.instructions
        left.exceptions &+= right.exceptions
        left.branchMispredicts &+= right.branchMispredicts
        left.returnMispredicts &+= right.returnMispredicts
        left.instructionCacheMisses &+= right.instructionCacheMisses
        left.dataCacheMisses &+= right.dataCacheMisses
    }

    /// Named values in a fixed order, for tables and reports.
    public var namedValues: [(name: String, value: UInt64)] {
        [("cycles", cycles), ("instructions", instructions), ("exceptions", exceptions),
         ("branch mispredicts", branchMispredicts), ("return mispredicts", returnMispredicts),
         ("L1I misses", instructionCacheMisses), ("L1D misses", dataCacheMisses)]
    }
}
