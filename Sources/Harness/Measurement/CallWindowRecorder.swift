import Emulator
import GuestKernel

/// The counters and stack figures of one traced call, bracketed by PC hooks.
struct CallTrace: Sendable, Equatable {
    /// From the driver's call instruction to the second instruction of the traced function's body.
    var entry: CounterSnapshot
    /// From the traced function's last RET to the driver's next instruction.
    var exit: CounterSnapshot
    /// The whole call, from the driver's call instruction to its return site.
    var whole: CounterSnapshot
    /// Bytes below the caller's SP that the call reached.
    var stackBytes: Double
    /// The lowest SP the call reached (the caller's SP if it went no lower).
    var lowestStackPointer: UInt64
    /// Bytes below the caller's SP when the entry handler started, if a handler ran.
    var stackAtHandlerEntry: Double?
    /// The entry and exit windows' counts by the symbol that spent them, when the machine
    /// attributes timing (empty otherwise).
    var entryBySymbol: [TimingAttribution.Entry] = []
    var exitBySymbol: [TimingAttribution.Entry] = []
}

/// Brackets every call the driver makes: entry and exit windows, stack low-water, handler stack.
///
/// The entry window ends at the second instruction of the body (symbol + patch site + 4), not
/// the first: a kprobe may probe the first body instruction (`SYM+8`), so only the second is
/// reached after every probe has done its entry work. The exit window starts at the last RET executed in
/// the traced function (or a function it tail-called): in recursion that is the outermost one.
final class CallWindowRecorder {
    struct Addresses {
        var callSite: UInt64
        /// The traced function's, and with a `redirect` handler its replacement's too.
        var bodySecondInstructions: Set<UInt64>
        var returns: Set<UInt64>
        var returnSite: UInt64
        var handlerEntry: UInt64?
    }

    private(set) var traces: [CallTrace] = []
    private let addresses: Addresses
    private let machine: Machine
    /// A call between the driver's call instruction and its return site.
    private struct OpenCall {
        var start: Moment
        var callerSP: UInt64
        var entry: Moment?
        var lastReturn: Moment?
        var handlerSP: UInt64?
    }

    /// The counters at a hook, and the per-symbol totals when the machine attributes timing.
    private struct Moment {
        var counters: CounterSnapshot
        var bySymbol: TimingAttribution.Snapshot?

        init(_ machine: Machine) {
            counters = MachineTiming.snapshot(machine)
            bySymbol = machine.timingAttribution?.snapshot()
        }
    }

    private var current: OpenCall?
    /// What to do at the call instruction of the call with this index (e.g. start attributing timing).
    private var atCall: (index: Int, action: () -> Void)?

    static let returnWord: UInt32 = 0xD65F_03C0

    /// The addresses to hook for `workload` in `kernel`.
    /// With a `redirect` handler the call may run the workload's replacement instead, so the windows
    /// also end at the replacement's body and start at its returns.
    static func addresses(for workload: Workload, handler: HandlerKind, in kernel: GuestKernel) throws -> Addresses {
        var addresses = try addresses(forFunction: workload.symbol, tailCallTargets: tailCallTargets(of: workload), in: kernel)
        if handler == .redirect, let replacement = workload.replacementSymbol {
            let redirected = try Self.addresses(forFunction: replacement, tailCallTargets: tailCallTargets(of: workload), in: kernel)
            addresses.bodySecondInstructions.formUnion(redirected.bodySecondInstructions)
            addresses.returns.formUnion(redirected.returns)
        }
        return addresses
    }

    /// The addresses to hook for calls the driver makes to the function `symbol` (which may end in
    /// the functions it tail-calls).
    static func addresses(forFunction symbol: String, tailCallTargets: [String] = [], in kernel: GuestKernel) throws -> Addresses {
        let function = try kernel.address(of: symbol)
        var returns: Set<UInt64> = []
        for name in [symbol] + tailCallTargets {
            guard let symbol = kernel.symbols.symbol(named: name), symbol.size > 0 else {
                throw GuestError.missingSymbol(name, kernel.imageURL.path)
            }
            for address in stride(from: symbol.address, to: symbol.address + symbol.size, by: 4)
            where kernel.machine.instructionWord(at: address) == returnWord {
                returns.insert(address)
            }
        }
        guard !returns.isEmpty else { throw GuestError.unexpectedStop("\(symbol) has no RET to hook") }
        return Addresses(callSite: kernel.driverCallSite,
                         bodySecondInstructions: [function + GuestABI.patchSiteBytes + 4],
                         returns: returns, returnSite: kernel.driverReturnSite,
                         handlerEntry: kernel.symbols.address(of: "pb_probe_entry"))
    }

    /// Functions a workload enters by tail call, whose RET ends the traced call.
    static func tailCallTargets(of workload: Workload) -> [String] {
        workload == .tailcall ? ["pb_wl_tail_target"] : []
    }

    init(driver: HookedCall, addresses: Addresses) {
        self.addresses = addresses
        machine = driver.machine
        driver.on(addresses.callSite) { [unowned self] _ in
            if let pending = atCall, pending.index == traces.count {
                atCall = nil
                pending.action()
            }
            current = OpenCall(start: Moment(machine), callerSP: machine.sp)
            machine.resetStackLowWater()
        }
        for address in addresses.bodySecondInstructions {
            driver.on(address) { [unowned self] _ in
                if current != nil && current?.entry == nil { current?.entry = Moment(machine) }
            }
        }
        for address in addresses.returns {
            driver.on(address) { [unowned self] _ in
                if current?.entry != nil { current?.lastReturn = Moment(machine) }
            }
        }
        if let handler = addresses.handlerEntry {
            driver.on(handler) { [unowned self] _ in
                if current != nil && current?.handlerSP == nil { current?.handlerSP = machine.sp }
            }
        }
        driver.on(addresses.returnSite) { [unowned self] _ in
            guard let call = current else { return }
            current = nil
            let end = Moment(machine)
            guard let entry = call.entry, let lastReturn = call.lastReturn else { return }
            let lowest = min(machine.stackLowWater, call.callerSP)
            traces.append(CallTrace(
                entry: entry.counters - call.start.counters, exit: end.counters - lastReturn.counters,
                whole: end.counters - call.start.counters,
                stackBytes: Double(call.callerSP - lowest), lowestStackPointer: lowest,
                stackAtHandlerEntry: call.handlerSP.map { Double(call.callerSP &- $0) },
                entryBySymbol: Self.bySymbol(machine, from: call.start, to: entry),
                exitBySymbol: Self.bySymbol(machine, from: lastReturn, to: end)))
        }
    }

    private static func bySymbol(_ machine: Machine, from start: Moment, to end: Moment) -> [TimingAttribution.Entry] {
        guard let attribution = machine.timingAttribution, let first = start.bySymbol, let last = end.bySymbol else { return [] }
        return attribution.entries(from: first, to: last)
    }

    /// The traces recorded so far, then forgets them.
    func takeTraces() -> [CallTrace] {
        defer { traces.removeAll() }
        return traces
    }

    /// The traces of `measured` calls made right after `warmup` calls in the same guest loop.
    ///
    /// `run(count, phase)` must make `count` calls in one host call. Warm-up and measured calls
    /// share it because every host call enters the guest's driver from outside, and the first call
    /// after that entry pays for predictor state the host call's set-up left behind (ftrace-args on
    /// `args` paid 10 cycles more): split in two host calls, the measured average depended on how
    /// many calls were measured. `beforeMeasuredCalls` runs at the first measured call's call
    /// instruction. Returns nil if a call did not pass every measurement point.
    func steadyTraces(warmup: Int, measured: Int, beforeMeasuredCalls: (() -> Void)? = nil,
                      run: (_ count: Int, _ phase: String) throws -> Void) throws -> [CallTrace]? {
        traces.removeAll()
        atCall = beforeMeasuredCalls.map { (warmup, $0) }
        defer { atCall = nil }
        try run(warmup + measured, warmup > 0 ? "calls.warmup and calls.measured" : "calls.measured")
        let all = takeTraces()
        guard all.count == warmup + measured else { return nil }
        return Array(all.suffix(measured))
    }
}

extension Array where Element == CallTrace {
    /// Per-call averages of the entry and exit windows.
    var averageEntry: WindowCounters { average(\.entry) }
    var averageExit: WindowCounters { average(\.exit) }
    var averageWhole: WindowCounters { average(\.whole) }

    private func average(_ window: KeyPath<CallTrace, CounterSnapshot>) -> WindowCounters {
        guard !isEmpty else { return WindowCounters() }
        return reduce(CounterSnapshot()) { $0 + $1[keyPath: window] }.windowCounters.divided(by: Double(count))
    }

    /// The deepest stack any call reached.
    var maximumStackBytes: Double { map(\.stackBytes).max() ?? 0 }

    /// Per-call means of the entry and exit windows by symbol (empty without attribution).
    var meanEntryBySymbol: [SymbolCost] { SymbolCost.mean(of: map(\.entryBySymbol)) }
    var meanExitBySymbol: [SymbolCost] { SymbolCost.mean(of: map(\.exitBySymbol)) }
}
