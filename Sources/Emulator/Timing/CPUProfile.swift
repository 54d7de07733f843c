import A64

/// A CPU the cycle models can imitate: its pipeline shape, per-class instruction costs, branch
/// predictor, L1 caches and the costs of the system events LLVM's scheduling models leave out.
///
/// Every number carries its source (`Sourced`), so `parameterRows()` can print the table behind
/// any result. Profiles are values: select one by name with `CPUProfile.named(_:)`.
public struct CPUProfile: Sendable, Equatable {
    /// The name used on the command line and in results (`cortex-a72`).
    public let name: String
    /// A one-line description.
    public let summary: String
    /// In-order (dual issue) or out-of-order approximation.
    public let pipeline: PipelineKind
    /// Micro-ops dispatched (out-of-order) or issued (in-order) per cycle.
    public let issueWidth: Sourced<Int>
    /// Reorder window in micro-ops (out-of-order only).
    public let reorderWindow: Sourced<Int>
    /// Whether results are written back in program order (the in-order cores' writeback rule).
    public let inOrderWriteback: Sourced<Bool>
    /// The issue pipelines, by name; `PipeUse` masks index this list.
    public let pipes: [String]
    /// Cost of each timing class.
    public let classCosts: [TimingClass: ClassCost]
    /// Early operand reads: forwarding paths that make a result usable before its full latency.
    public let forwarding: [Forwarding]

    /// Cycles lost when a branch is mispredicted (front-end redirect after the branch resolves).
    public let mispredictPenalty: Sourced<Int>
    /// Entries of the return-address stack.
    public let returnStackDepth: Sourced<Int>
    /// Entries of the branch target buffer that predicts indirect branch targets.
    public let branchTargetBufferEntries: Sourced<Int>
    /// Two-bit counters of the conditional branch predictor.
    public let conditionalPredictorEntries: Sourced<Int>
    /// Bits of global branch history hashed into the conditional predictor index.
    public let globalHistoryBits: Sourced<Int>
    /// The L1 instruction cache.
    public let instructionCache: Sourced<CacheGeometry>
    /// The L1 data cache.
    public let dataCache: Sourced<CacheGeometry>
    /// Cycles an L1 miss adds to reach the next level (fixed: no L2 model).
    public let missLatency: Sourced<Int>

    /// Cycles from the faulting or trapping instruction to the first vector instruction.
    public let exceptionEntry: Sourced<Int>
    /// Cycles an ERET adds after the pipeline drains.
    public let exceptionReturn: Sourced<Int>
    /// Cycles an ISB adds after the pipeline drains (refetch).
    public let instructionBarrier: Sourced<Int>
    /// Cycles a DSB adds after every earlier instruction completes.
    public let dataSynchronizationBarrier: Sourced<Int>
    /// Cycles a DMB adds after every earlier memory access completes.
    public let dataMemoryBarrier: Sourced<Int>
    /// Result latency of MRS.
    public let systemRegisterRead: Sourced<Int>
    /// Cycles an MSR adds after the pipeline drains (it is context-synchronising for the
    /// registers the guest writes: DAIF, SPSel, VBAR, SCTLR, MDSCR).
    public let systemRegisterWrite: Sourced<Int>
    /// Cycles of a data cache maintenance operation by address (DC CVAU, DC CIVAC, DC ZVA).
    public let dataCacheMaintenance: Sourced<Int>
    /// Cycles of an instruction cache maintenance operation (IC IVAU, IC IALLU).
    public let instructionCacheMaintenance: Sourced<Int>

    /// The default profile.
    public static var `default`: CPUProfile { cortexA72 }

    /// Every profile, in the order `bench list --cpus` prints them.
    public static var all: [CPUProfile] { [cortexA53, cortexA72, neoverseN1] }

    /// The profile called `name` (case-insensitive), if any.
    public static func named(_ name: String) -> CPUProfile? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The cost of `timingClass`; every profile defines every class.
    public func cost(of timingClass: TimingClass) -> ClassCost {
        guard let cost = classCosts[timingClass] else {
            preconditionFailure("profile \(name) has no cost for \(timingClass)")
        }
        return cost
    }

    public static func == (left: CPUProfile, right: CPUProfile) -> Bool { left.name == right.name }
}

/// How a profile's pipeline is simulated.
public enum PipelineKind: String, Sendable {
    /// Issue in program order, up to the issue width per cycle, stalling on operands, pipes and
    /// the in-order writeback rule (Cortex-A53 class).
    case inOrder = "in-order"
    /// Dispatch in order into a reorder window, issue when operands and a pipe are ready,
    /// retire in order (Cortex-A72 and Neoverse N1 class).
    case outOfOrder = "out-of-order"
}

/// A value with the document it comes from.
public struct Sourced<Value: Sendable & Equatable>: Sendable, Equatable {
    public let value: Value
    /// Where the value comes from: a file of LLVM's scheduling models, an Arm manual, or an
    /// estimate with its reasoning.
    public let source: String

    public init(_ value: Value, _ source: String) {
        self.value = value
        self.source = source
    }
}

/// Size and shape of a set-associative cache with 64-byte lines.
public struct CacheGeometry: Sendable, Equatable, CustomStringConvertible {
    public let sizeBytes: Int
    public let ways: Int
    /// Line size: 64 bytes on every modelled core (the cycle models' loops shift by a constant).
    public static let lineBytes = 64
    public var lineBytes: Int { Self.lineBytes }

    public init(kilobytes: Int, ways: Int) {
        sizeBytes = kilobytes * 1024
        self.ways = ways
    }

    /// Sets in the cache.
    public var sets: Int { sizeBytes / (ways * lineBytes) }

    public var description: String { "\(sizeBytes / 1024) KiB, \(ways)-way, \(lineBytes)-byte lines" }
}

/// One pipeline resource an instruction occupies: any one pipe of `pipes` for `cycles` cycles.
public struct PipeUse: Sendable, Equatable {
    /// Bit i set: pipe i of the profile's `pipes` can take this micro-op.
    public let pipes: UInt16
    /// Cycles the pipe stays busy (1 for fully pipelined units, more for dividers).
    public let cycles: UInt8

    public init(pipes: UInt16, cycles: UInt8 = 1) {
        self.pipes = pipes
        self.cycles = cycles
    }
}

/// What one timing class costs on one profile.
public struct ClassCost: Sendable, Equatable {
    /// Micro-ops: dispatch (or issue) slots used.
    public let microOps: UInt8
    /// Cycles from issue until the primary result (and NZCV) can be read.
    public let latency: UInt8
    /// Cycles until the second result of a load pair can be read.
    public let secondLatency: UInt8
    /// Cycles until a written-back base register can be read.
    public let writebackLatency: UInt8
    /// Pipes occupied at issue.
    public let uses: [PipeUse]
    /// Where the numbers come from.
    public let source: String

    public init(microOps: UInt8, latency: UInt8, secondLatency: UInt8? = nil, writebackLatency: UInt8 = 1,
                uses: [PipeUse], source: String) {
        precondition(uses.count <= 4, "a class uses at most four pipes")
        self.microOps = microOps
        self.latency = latency
        self.secondLatency = secondLatency ?? latency
        self.writebackLatency = writebackLatency
        self.uses = uses
        self.source = source
    }
}

/// A forwarding path: a consumer reading in `role` sees a result `cycles` earlier than its latency,
/// when the producer is an integer-pipeline instruction (or a multiply, if `onlyFromMultiply`).
public struct Forwarding: Sendable, Equatable {
    public let role: OperandRole
    public let cycles: Int
    public let onlyFromMultiply: Bool
    public let source: String

    public init(_ role: OperandRole, cycles: Int, onlyFromMultiply: Bool = false, source: String) {
        self.role = role
        self.cycles = cycles
        self.onlyFromMultiply = onlyFromMultiply
        self.source = source
    }
}
