import Emulator

/// A read view of the guest's `struct pb_control`.
public struct ControlBlock {
    let memory: PhysicalMemory
    let base: UInt64

    func u64(_ offset: UInt64) -> UInt64 { memory.readUInt64(at: base + offset) ?? 0 }
    func i64(_ offset: UInt64) -> Int64 { Int64(bitPattern: u64(offset)) }

    public var entryHits: UInt64 { u64(GuestABI.Control.entryHits) }
    public var exitHits: UInt64 { u64(GuestABI.Control.exitHits) }
    public var interruptCount: UInt64 { u64(GuestABI.Control.irqCount) }
    public var missedReturnHooks: UInt64 { u64(GuestABI.Control.missed) }
    public var lastEntryFunction: UInt64 { u64(GuestABI.Control.lastEntryFunction) }
    public var lastExitFunction: UInt64 { u64(GuestABI.Control.lastExitFunction) }
    public var lastReturnValue: Int64 { i64(GuestABI.Control.lastReturnValue) }
    public var interruptedPC: UInt64 { u64(GuestABI.Control.irqPC) }

    /// The ten arguments the last `args` handler saw: X0–X7 then the two stack-passed ones.
    public var lastArguments: [Int64] { (0..<10).map { i64(GuestABI.Control.lastArguments + UInt64($0) * 8) } }

    /// The struct passed by value, as the `args` handler read it, if its reference was valid.
    public var lastBigArgument: [Int64]? {
        guard u64(GuestABI.Control.lastBigValid) == 1 else { return nil }
        return (0..<4).map { i64(GuestABI.Control.lastBig + UInt64($0) * 8) }
    }

    /// `call_args` as 14 values: `x[0]` (unused: `pb_run`'s arg0 is X0), X1–X7, the two stack slots,
    /// then the struct's four fields.
    public var callArguments: [Int64] { (0..<14).map { i64(GuestABI.Control.callArguments + UInt64($0) * 8) } }

    public func walk(_ point: WalkBuffer, reliable: Bool) -> GuestWalk {
        let offset = point.offset + (reliable ? GuestABI.Control.walkSize : 0)
        let count = min(Int(u64(offset + GuestABI.Control.walkCount)), GuestABI.walkMaxFrames)
        return GuestWalk(
            sequence: u64(offset),
            status: i64(offset + GuestABI.Control.walkStatus),
            flags: u64(offset + GuestABI.Control.walkFlags),
            pcs: (0..<count).map { u64(offset + GuestABI.Control.walkPCs + UInt64($0) * 8) })
    }

    /// The guest address of a walk buffer (`struct pb_walk_pair`).
    public func address(of buffer: WalkBuffer) -> UInt64 { base + buffer.offset }

    /// The walk buffers of the control block.
    public enum WalkBuffer: Sendable {
        case entry, exit, callee, interrupt

        var offset: UInt64 {
            switch self {
            case .entry: return GuestABI.Control.entryWalk
            case .exit: return GuestABI.Control.exitWalk
            case .callee: return GuestABI.Control.calleeWalk
            case .interrupt: return GuestABI.Control.irqWalk
            }
        }
    }
}

/// One stack walk the guest took.
public struct GuestWalk: Sendable, Equatable {
    /// Incremented each time the buffer is rewritten: tells a fresh walk from a stale one.
    public var sequence: UInt64
    /// 0, or one of the PB_WALK_E_* codes.
    public var status: Int64
    /// PB_WALKF_* flags.
    public var flags: UInt64
    /// Innermost first.
    public var pcs: [UInt64]

    public var succeeded: Bool { status == 0 }

    /// The guest's name for a failed status.
    public var statusName: String {
        switch status {
        case 0: return "ok"
        case -1: return "crossed an exception boundary"
        case -2: return "unrecovered trampoline address"
        case -3: return "bad frame"
        case -4: return "no final frame"
        case -5: return "truncated"
        case -6: return "pc outside kernel text"
        case -7: return "bad metadata frame"
        default: return "status \(status)"
        }
    }
}
