/// What fetching a probe's arguments costs on one path: the window in which its handler runs,
/// timed with the CPU profile's cycle model, with the `fetch` handler running the probe's program
/// against the same window with the `count` handler on the same mechanism.
public struct FetchCost: Codable, Equatable, Sendable {
    /// The definition as given.
    public var definition: String
    /// As the kernel would list it (`p:kprobes/p_pb_wl_typed_0 pb_wl_typed balance=obj->balance:s64 …`).
    public var canonicalDefinition: String
    /// `kprobe-xol`, `kretprobe-brk` or `fprobe`.
    public var mechanism: String
    /// `pt_regs` or `ftrace_regs`: what the program reads registers from.
    public var registers: String
    /// `entry` or `exit`: the call window the arguments are fetched in.
    public var window: String
    public var cpu: String
    public var workload: String
    /// Arguments fetched per hit.
    public var arguments: Int
    /// Fetch ops run per hit for them.
    public var fetchOps: Int
    /// Calls averaged per handler kind.
    public var measuredCalls: Int
    /// The window per call with the `fetch` handler.
    public var withFetch: WindowCounters
    /// The window per call with the `fetch` handler running a program that fetches nothing: the
    /// handler still appends a record (with no values), so this is the record's fixed cost.
    public var withEmptyRecord: WindowCounters
    /// The window per call with the `count` handler.
    public var withCount: WindowCounters

    /// Cycles the fetch adds per call.
    public var fetchCycles: Double { withFetch.cycles - withCount.cycles }
    /// `fetchCycles / arguments`: what one argument costs on this path, the record's fixed cost shared out.
    public var cyclesPerArgument: Double { arguments > 0 ? fetchCycles / Double(arguments) : 0 }
    /// Instructions the fetch adds per call.
    public var fetchInstructions: Double { withFetch.instructions - withCount.instructions }
    /// Cycles an empty record adds per call: the handler, the interpreter's set-up and the ring commit.
    public var recordCycles: Double { withEmptyRecord.cycles - withCount.cycles }
    /// Cycles per argument beyond the empty record: what fetching and storing one value costs.
    public var marginalCyclesPerArgument: Double {
        arguments > 0 ? (withFetch.cycles - withEmptyRecord.cycles) / Double(arguments) : 0
    }
}

/// The same arguments fetched through a kprobe (pt_regs, BRK exception) and an fprobe (ftrace_regs).
public struct FetchCostComparison: Codable, Equatable, Sendable {
    public var kprobe: FetchCost
    public var fprobe: FetchCost

    /// Cycles per argument on the kprobe path divided by the same on the fprobe path (nan when the
    /// fprobe figure is 0).
    public var kprobeToFprobeRatio: Double {
        fprobe.cyclesPerArgument != 0 ? kprobe.cyclesPerArgument / fprobe.cyclesPerArgument : .nan
    }
}
