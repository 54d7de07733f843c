/// The Swift mirror of `Guest/include/pb_abi.h`, the guest's ABI for the harness.
///
/// Every offset here is checked against the guest's own DWARF and exported size symbols by the
/// GuestKernel tests, so a change on either side that is not mirrored fails loudly.
public enum GuestABI {
    public static let version: UInt64 = 1
    public static let controlMagic: UInt64 = 0x4C52_5443_4250
    /// The host sampling IRQ (an SGI).
    public static let hostSampleInterrupt = 7
    /// `PB_IRQ_CALL_INTID`: the IRQ that calls the function `pb_arm_irq_call` armed (an SGI).
    public static let irqCallInterrupt = 6
    /// `hlt #imm` that hands control back to the host.
    public static let hostReturnHalt: UInt16 = 1
    public static let moduleAreaBase: UInt64 = 0x5000_0000
    public static let moduleAreaSize: UInt64 = 0x10_0000
    public static let sizeofPtRegs: UInt64 = 336
    public static let sizeofFtraceRegs: UInt64 = 112
    public static let walkMaxFrames = 64
    /// Bytes from a traced function's symbol to its first body instruction (the patch site: at boot
    /// `mov x9, x30; nop`, the NOP becoming the BL while the function is traced).
    public static let patchSiteBytes: UInt64 = 8
    /// `pb_attach` param flag: allocate the trampoline in the module area.
    public static let farTrampolineFlag: UInt64 = 1 << 16
    /// `PB_MAX_OPS_COUNT`: the most ops `pb_set_ops_count` accepts for ftrace-list.
    public static let maxOpsCount = 128
    /// `PB_MAX_SHARED_OPS`: the most other tracers' ops `pb_set_shared_ops` puts on a traced function.
    public static let maxSharedOps = 16
    /// `PB_FTRACE_LIST_DEFAULT_OPS`: the ops registered with ftrace-list and ftrace-callops unless a curve sets the count —
    /// the attached ops and one that filters out every function, the fewest with which a kernel
    /// calls its list function (with one it calls the ops directly).
    public static let ftraceListDefaultOps = 2
    /// `PB_KRETPROBE_MAXACTIVE` (`pb/kretprobe.h`): a kretprobe's instances, so the most calls of
    /// its function whose return it hooks at once; a deeper call's return is not hooked (`missed`).
    public static let kretprobeMaxActive = 64
    /// `PB_RET_STACK_DEPTH` (`pb/task.h`): entries of the function-graph shadow return stack (fgraph,
    /// fprobe), so the most hooked returns pending at once; beyond it a return is not hooked (`missed`).
    public static let returnStackDepth = 128
    /// The traced functions `pb_fn_0000` … `pb_fn_1023` (`workloads/many.c`) the attached-functions
    /// curve attaches to besides the workload.
    public static let manyFunctionCount = 1024
    /// `PB_MAX_KRETPROBES` (`pb/kretprobe.h`): kretprobes registered at once, so the most functions a
    /// kretprobe-* mechanism is attached to together.
    public static let maxKretprobes = 16
    /// `PB_CODE_MAP_MAX`: allocations of generated code live at once (trampolines, veneers, kprobe slots).
    public static let codeMapMax = 2048
    /// `PB_MODIFY_ARGUMENT_DELTA`: what a `modify` entry handler adds to the first argument.
    public static let modifyArgumentDelta: Int64 = 1000
    /// `PB_MODIFY_RETURN_DELTA`: what a `modify` exit handler adds to the return value.
    public static let modifyReturnDelta: Int64 = 1_000_000

    /// Symbols the harness relies on.
    public enum Symbol {
        public static let control = "pb_control"
        public static let hostReturn = "pb_host_return"
        public static let taskStackTop = "pb_task_stack_top"
        public static let taskStackBase = "pb_task_stack_base"
        public static let irqStackBase = "pb_irq_stack_base"
        public static let irqStackTop = "pb_irq_stack_top"
        public static let driverCallSite = "pb_driver_call_site"
        public static let driverReturnSite = "pb_driver_return_site"
        public static let textStart = "pb_text_start"
        public static let textEnd = "pb_text_end"
        public static let textPoke32 = "pb_text_poke32"
        public static let textPoke64 = "pb_text_poke64"
        public static let sizeofPtRegs = "pb_sizeof_pt_regs"
        public static let sizeofFtraceRegs = "pb_sizeof_ftrace_regs"
        public static let sizeofControl = "pb_sizeof_control"
        public static let sizeofWalk = "pb_sizeof_walk"
        public static let abiVersion = "pb_abi_version"
        public static let attach = "pb_attach"
        public static let detach = "pb_detach"
        public static let detachAll = "pb_detach_all"
        public static let run = "pb_run"
        public static let setOpsCount = "pb_set_ops_count"
        public static let setSharedOps = "pb_set_shared_ops"
        /// uint64: calls of the shared ops' handlers (`pb_set_shared_ops`), zeroed by `pb_reset`.
        public static let sharedOpsHits = "pb_shared_ops_hits"
        public static let armIRQCall = "pb_arm_irq_call"
        /// int64: what the last call made by the IRQ-call interrupt returned.
        public static let irqCallResult = "pb_irq_call_result"
        /// uint64: calls the IRQ-call interrupt made since `pb_arm_irq_call`.
        public static let irqCallCount = "pb_irq_call_count"
        /// `pb_detach(target)` from IRQ context, then the code memory detach freed overwritten with
        /// UDF as if reused (for `pb_arm_irq_call`).
        public static let detachReusingCode = "pb_detach_reusing_code"
        /// `pb_detach_reusing_code`, then the same attachment made again (for `pb_arm_irq_call`).
        public static let detachReattach = "pb_detach_reattach"
        /// Chooses the mechanism and handler `pb_attach_from_irq` attaches.
        public static let setAttachFromIRQ = "pb_set_attach_from_irq"
        /// `pb_attach(target)` with what `pb_set_attach_from_irq` chose (for `pb_arm_irq_call`).
        public static let attachFromIRQ = "pb_attach_from_irq"
        /// `struct pb_code_map`: the count of live generated-code allocations, then the regions.
        public static let codeMap = "pb_code_map"
        public static let reset = "pb_reset"
        public static let attachedCount = "pb_attached_count"
        public static let patchSitesStart = "pb_patch_sites_start"
        public static let patchSitesEnd = "pb_patch_sites_end"
        /// The near area, where the guest allocates code within branch range of its text.
        public static let nearAreaStart = "pb_near_area_start"
        public static let nearAreaEnd = "pb_near_area_end"
    }

    /// Byte offsets within `struct pb_probe_event` (`pb/probe.h`), which every mechanism hands
    /// `pb_probe_entry` and `pb_probe_exit` as their second argument.
    public enum ProbeEvent {
        /// The `struct ftrace_regs` or `struct pt_regs` the handler is given.
        public static let regs: UInt64 = 32
        /// `PB_REGS_FTRACE` (1) or `PB_REGS_PT` (2), a 32-bit field.
        public static let regsKind: UInt64 = 40
    }

    /// Byte offsets within `struct pb_control`.
    public enum Control {
        public static let magic: UInt64 = 0
        public static let abiVersion: UInt64 = 8
        public static let entryHits: UInt64 = 16
        public static let exitHits: UInt64 = 24
        public static let irqCount: UInt64 = 32
        public static let missed: UInt64 = 40
        public static let lastEntryFunction: UInt64 = 48
        public static let lastArguments: UInt64 = 56
        public static let lastBig: UInt64 = 136
        public static let lastBigValid: UInt64 = 168
        public static let lastExitFunction: UInt64 = 176
        public static let lastReturnValue: UInt64 = 184
        public static let entryWalk: UInt64 = 192
        public static let exitWalk: UInt64 = 192 + walkPairSize
        public static let calleeWalk: UInt64 = 192 + 2 * walkPairSize
        public static let irqWalk: UInt64 = 192 + 3 * walkPairSize
        public static let irqPC: UInt64 = 192 + 4 * walkPairSize
        public static let calleeRaiseSGI: UInt64 = irqPC + 8
        public static let callArguments: UInt64 = irqPC + 16
        /// `struct pb_fetch_prog fetch_entry`, then `fetch_exit`, then `struct pb_fetch_ring ring`.
        public static let fetchEntry: UInt64 = callArguments + callArgumentsSize
        public static let fetchExit: UInt64 = fetchEntry + Fetch.programSize
        public static let ring: UInt64 = fetchExit + Fetch.programSize
        public static let size: UInt64 = ring + Fetch.ringHeaderSize + UInt64(fetchRingSize)

        /// `struct pb_call_args`: ten registers' worth of arguments and a 32-byte struct.
        public static let callArgumentsSize: UInt64 = 10 * 8 + 32

        public static let walkSize: UInt64 = 32 + 8 * UInt64(GuestABI.walkMaxFrames)
        public static let walkPairSize: UInt64 = 2 * walkSize
        /// Within a walk: seq, status, flags, count, pcs.
        public static let walkStatus: UInt64 = 8
        public static let walkFlags: UInt64 = 16
        public static let walkCount: UInt64 = 24
        public static let walkPCs: UInt64 = 32
    }

    public static let fetchRingSize = 4096
    public static let fetchMaxOps = 64
}

/// A tracing path the guest implements, with its id in the guest ABI (pb_abi.h's PB_MECH_* table).
public enum Mechanism: String, CaseIterable, Sendable, Codable {
    case none
    case ftraceArgs = "ftrace-args"
    case ftraceRegs = "ftrace-regs"
    case ftraceList = "ftrace-list"
    case ftraceCallOps = "ftrace-callops"
    case directCaller = "direct-caller"
    case directBL = "direct-bl"
    case directPLT = "direct-plt"
    case kprobeXOL = "kprobe-xol"
    case kprobeSingleStep = "kprobe-ss"
    case kprobeSimulate = "kprobe-sim"
    case kretprobeBRK = "kretprobe-brk"
    case kretprobeTrampoline = "kretprobe-tramp"
    case functionGraph = "fgraph"
    case fprobe
    case fprobePtRegs = "fprobe-ptregs"
    case fentryFexit = "fentry-fexit"
    /// Deliberately broken ftrace-args (no frame record for the traced function): tests the walk verifier.
    case ftraceArgsNoFrameRecord = "ftrace-args-nofp"

    /// The guest's PB_MECH_* value.
    public var guestID: UInt64 {
        UInt64(Self.allCases.firstIndex(of: self)!)
    }

    /// The mechanisms a user measures (the broken one exists only to test the verifier).
    public static var measurable: [Mechanism] { allCases.filter { $0 != .ftraceArgsNoFrameRecord } }

    /// The paths on which the guest puts other tracers' ops on the traced function too (`pb_set_shared_ops`).
    public static let sharingOps: [Mechanism] = [.ftraceArgs, .ftraceRegs, .ftraceList, .ftraceCallOps]

    /// Whether the path hooks the function's return (exit handler, return hijack or a calling trampoline).
    public var hasExitHook: Bool {
        switch self {
        case .kretprobeBRK, .kretprobeTrampoline, .functionGraph, .fprobe, .fprobePtRegs, .fentryFexit: return true
        default: return false
        }
    }

    /// Whether the path enters through a BRK exception.
    public var usesBreakpoint: Bool {
        switch self {
        case .kprobeXOL, .kprobeSingleStep, .kprobeSimulate, .kretprobeBRK, .kretprobeTrampoline: return true
        default: return false
        }
    }

    /// Bytes from the traced function's symbol to the pc in the registers its entry handler is
    /// given. A BRK path probes the symbol itself, where arm64 puts a kprobe on a function (the
    /// patch site's `mov x9, x30`, before the ftrace call), and its pt_regs hold that pc; the
    /// other paths are called from the patch site and hand over the return into the body.
    public var entryRegistersOffset: UInt64 { usesBreakpoint ? 0 : GuestABI.patchSiteBytes }

    /// One line on what the guest does for this path.
    public var summary: String {
        switch self {
        case .none: return "the patch site as boot leaves it (mov x9, x30; nop): the baseline"
        case .ftraceArgs: return "FTRACE_WITH_ARGS: mov x9, x30; bl ftrace_caller; saves ftrace_regs (\(GuestABI.sizeofFtraceRegs) B) and two frame records"
        case .ftraceRegs: return "FTRACE_WITH_REGS: bl ftrace_regs_caller; saves a full pt_regs (\(GuestABI.sizeofPtRegs) B, synthetic PSTATE)"
        case .ftraceList:
            return "\(GuestABI.ftraceListDefaultOps) ops registered (the ops curve varies it): the list function walks every ops and its filter"
        case .ftraceCallOps:
            return "DYNAMIC_FTRACE_WITH_CALL_OPS: ops pointer before the function, no list walk, with \(GuestABI.ftraceListDefaultOps) ops registered (the ops curve varies it)"
        case .directCaller: return "direct-call ops: the common trampoline branches to a per-function direct trampoline"
        case .directBL: return "the site BLs straight to a trampoline within ±128 MiB"
        case .directPLT: return "trampoline out of BL range (module area), reached through a veneer"
        case .kprobeXOL: return "BRK on the symbol (the site's mov x9, x30); the probed instruction runs out of line followed by a second BRK"
        case .kprobeSingleStep: return "BRK; the out-of-line slot is stepped with hardware single-step"
        case .kprobeSimulate: return "BRK; the probed instruction is simulated in the handler"
        case .kretprobeBRK: return "BRK kprobe entry; the return trampoline takes a BRK for a real pt_regs"
        case .kretprobeTrampoline: return "BRK kprobe entry; the return trampoline builds pt_regs by hand"
        case .functionGraph: return "function graph: return address replaced with return_to_handler via a shadow return stack"
        case .fprobe: return "ftrace_regs entry, fgraph-based return hook"
        case .fprobePtRegs: return "fprobe with ftrace_regs copied into a pt_regs for the handler"
        case .fentryFexit: return "direct trampoline: entry handler, calls the function, exit handler with the return value"
        case .ftraceArgsNoFrameRecord: return "deliberately broken ftrace-args without the traced function's frame record (verifier test)"
        }
    }
}

/// What a probe handler does when it runs.
public enum HandlerKind: String, CaseIterable, Sendable, Codable {
    case count, args, walk, fetch
    /// Changes x0 where the path saved it: the entry handler adds `GuestABI.modifyArgumentDelta` to
    /// the first argument, the exit handler `GuestABI.modifyReturnDelta` to the return value. The
    /// call's result shows which changes the path carries into the function and back to the caller.
    case modify
    /// Redirects the call as livepatch does: the entry handler sets the pc in the registers its path
    /// hands over to the workload's replacement (`Workload.replacementSymbol`). The call's result
    /// shows whether the replacement ran.
    case redirect
    /// Takes the plain stack walk from the registers the path hands its handler (their pc, then
    /// the frame records from their x29), as perf and BPF walk from a handler's pt_regs; the
    /// harness also gives the same registers to libdw, as a CFI unwinder (ORC, SFrame) would get them.
    case regsWalk = "regs-walk"

    public var guestID: UInt64 { UInt64(Self.allCases.firstIndex(of: self)!) }
}

/// The guest's traced workloads.
public enum Workload: String, CaseIterable, Sendable, Codable {
    case leaf
    case nonleaf
    /// Ten arguments (two on the stack) and a struct larger than 16 bytes by value.
    case args
    case recursive
    /// Its callee takes a stack walk while the return hook is armed.
    case sample
    case tailcall

    public var symbol: String {
        switch self {
        case .leaf: return "pb_wl_leaf"
        case .nonleaf: return "pb_wl_nonleaf"
        case .args: return "pb_wl_args"
        case .recursive: return "pb_wl_recursive"
        case .sample: return "pb_wl_sample"
        case .tailcall: return "pb_wl_tailcall"
        }
    }

    /// The function a `redirect` handler sends a call of this workload to (the guest's
    /// `pb_wl_replacement_of`); nil for the recursive workload, whose every level would be redirected.
    public var replacementSymbol: String? {
        self == .recursive ? nil : symbol + "_replacement"
    }

    /// Other traced functions this workload enters (a tail-call target runs in the workload's frame).
    public var auxiliarySymbols: [String] {
        switch self {
        case .tailcall: return ["pb_wl_tail_target"]
        case .sample: return ["pb_wl_sample_callee"]
        default: return []
        }
    }

    public var summary: String {
        switch self {
        case .leaf: return "a leaf function"
        case .nonleaf: return "a function that calls another"
        case .args: return "ten arguments, two on the stack, plus a 32-byte struct by value"
        case .recursive: return "recursion to a given depth"
        case .sample: return "its callee takes a stack walk while the return hook is armed"
        case .tailcall: return "tail-calls another traced function"
        }
    }
}
