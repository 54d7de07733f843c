import GuestKernel

/// A pool of return hooks in the guest: how many returns of one traced function it can hook at once.
///
/// A call made while the pool is full runs with its return unhooked and the guest counts it in
/// `pb_control.missed`; a measurement over such calls is not a measurement of the path.
public struct ReturnHookPool: Sendable, Equatable {
    /// Returns pending at once that the pool holds.
    public var capacity: Int
    /// The pool and the guest constant that sizes it, for messages ("the shadow return stack (PB_RET_STACK_DEPTH)").
    public var name: String
}

extension Mechanism {
    /// The pool this path hooks returns from, or nil if it keeps none (no return hook, or
    /// fentry-fexit, whose trampoline calls the function and stays on the stack).
    var returnHookPool: ReturnHookPool? {
        switch self {
        case .kretprobeBRK, .kretprobeTrampoline:
            return ReturnHookPool(capacity: GuestABI.kretprobeMaxActive, name: "a kretprobe's instances (PB_KRETPROBE_MAXACTIVE)")
        case .functionGraph, .fprobe, .fprobePtRegs:
            return ReturnHookPool(capacity: GuestABI.returnStackDepth, name: "the shadow return stack (PB_RET_STACK_DEPTH)")
        default:
            return nil
        }
    }

    /// The deepest recursion a depth curve measures on this path: depth d has d + 1 calls active at
    /// once, so one fewer than the pool holds. Paths without a pool are held to the deepest any
    /// pool allows, so every depth curve shares one axis; the task stack is checked when measuring.
    var maximumRecursionDepth: Int {
        (returnHookPool?.capacity ?? GuestABI.returnStackDepth) - 1
    }

    /// The most functions this path can be attached to at once (the workload and the guest's
    /// pb_fn_* functions), and what bounds it.
    var maximumAttachedFunctions: (count: Int, bound: String) {
        let every = (GuestABI.manyFunctionCount + 1,
                     "n attaches the workload and n - 1 of the guest's \(GuestABI.manyFunctionCount) pb_fn_* functions "
                        + "(the workload is always attached, so 0 would measure 1)")
        switch self {
        case .kretprobeBRK, .kretprobeTrampoline:
            return (GuestABI.maxKretprobes, "the guest registers at most \(GuestABI.maxKretprobes) kretprobes at once (PB_MAX_KRETPROBES)")
        case .directPLT:
            // A trampoline in the module area and a veneer in the near area per function.
            return (GuestABI.codeMapMax / 2, "each function takes a trampoline and a veneer, and the guest keeps at most "
                        + "\(GuestABI.codeMapMax) pieces of generated code at once (PB_CODE_MAP_MAX)")
        default:
            return every
        }
    }
}

extension ScalingCurve.Parameter {
    /// The values of this parameter the guest can measure on `mechanism`, and what bounds them.
    func measurableValues(on mechanism: Mechanism) -> (range: ClosedRange<Int>, bound: String) {
        switch self {
        case .registeredOps:
            return (0...GuestABI.maxOpsCount,
                    "0 attaches nothing and the guest's ftrace list takes at most \(GuestABI.maxOpsCount) ops (PB_MAX_OPS_COUNT)")
        case .sharedOps:
            return (0...GuestABI.maxSharedOps,
                    "0 is the mechanism alone and the guest puts at most \(GuestABI.maxSharedOps) other tracers' ops on a function (PB_MAX_SHARED_OPS)")
        case .attachedFunctions:
            let limit = mechanism.maximumAttachedFunctions
            return (1...limit.count, limit.bound)
        case .stackDepth:
            let depth = mechanism.maximumRecursionDepth
            let bound = mechanism.returnHookPool.map {
                "depth d has d + 1 calls active at once and \(mechanism.rawValue) hooks at most \($0.capacity) returns at once in \($0.name)"
            } ?? "\(mechanism.rawValue) keeps no return-hook pool and is held to the deepest any pool allows"
            return (1...depth, bound)
        }
    }
}
