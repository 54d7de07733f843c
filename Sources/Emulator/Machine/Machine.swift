import A64

/// An AArch64 core at EL1 with the MMU off, its memory and interrupt controller.
///
/// The machine runs guest code until something needs the host: semihosting exit, `HLT #imm`,
/// a PC hook, an instruction limit or a fault it cannot continue from. All state is
/// deterministic: the same image and inputs give the same instruction stream and counts.
public final class Machine {
    /// The guest's physical memory.
    public let memory: PhysicalMemory
    /// The GICv2 model at QEMU virt's addresses.
    public let interruptController: InterruptController
    /// Register file: slots 0–30 are X0–X30, 31 reads zero, 32 absorbs writes, 33 is the current SP.
    let registers: UnsafeMutablePointer<UInt64>
    /// Instructions retired but not yet reported to a cycle model that times each one: runs of
    /// consecutive slots and a data address per instruction (see `RetiredBatch`). A batch is
    /// handed over before a block starts once it holds `retireBatchThreshold` instructions, so it
    /// never holds more than that plus one page's slots.
    let retireRuns: UnsafeMutablePointer<RetiredRun>
    let retireData: UnsafeMutablePointer<UInt64>
    static let retireBatchThreshold = 256
    static let retireBufferCapacity = retireBatchThreshold + CodePage.slotCount

    /// The address of the next instruction.
    public var pc: UInt64 = 0
    /// PSTATE.
    public var pstate = ProcessorState()
    /// EL1 system registers. Use `stackPointer(for:)` for banked stack pointers.
    public var system = SystemRegisterFile()

    /// Counters that do not depend on the cycle model.
    public internal(set) var counters = ExecutionCounters()
    /// Which cycle model times instructions; switchable between runs without losing state.
    public var timing: TimingMode = .functional
    /// Host time and guest instructions of this machine's runs (`HostRunTime`).
    var runTimes = MachineRunTimes()
    /// The functional model's state (cycles = instructions while it is selected).
    public internal(set) var functionalModel = AtomicCycleModel()
    /// The detailed cycle model of the selected profile and per-symbol attribution.
    var timingState = TimingState()

    /// Receives semihosting console output, byte by byte.
    public var consoleOutput: (UInt8) -> Void = { _ in }
    /// Which word an early fetch of a guest-modified instruction runs when the architecture lets it
    /// get either (both words concurrently modifiable, its line not yet synchronized): the new one
    /// (false, the default) or the old one, as a core whose instruction cache still holds the line.
    public var earlyFetchRunsOldWord = false
    /// Receives calls, returns, unconditional branches and exceptions, when set.
    public var controlFlowObserver: ControlFlowObserver?
    /// Called for a guest write to a watched range: (pc of the store, address, byte count).
    public var watchedWriteHandler: ((UInt64, UInt64, Int) -> Void)?
    /// The ranges `watchWrites(to:)` covers (memory watches whole pages; writes are filtered here).
    var watchedRanges: [Range<UInt64>] = []
    /// Code lines the guest wrote and must maintain before fetching (`requireCodeMaintenance(in:)`).
    var coherence = CodeCoherenceTracker()

    /// The lowest stack pointer value seen since `resetStackLowWater()`.
    public internal(set) var stackLowWater: UInt64 = .max

    let cache = DecodeCache()
    var hooks: Set<UInt64> = []
    /// A hook at this PC was just reported: the next run starts past it.
    var resumingFromHook: UInt64?
    /// A host-scheduled interrupt: raised when `counters.instructions` reaches `instructionCount`.
    var scheduledInterrupt: (id: Int, instructionCount: UInt64)?
    /// The interrupt controller's output, recomputed after every device access.
    var irqLine = false
    /// Set when something mid-block (a device access, a write to code) needs the block to end.
    var blockBreakRequested = false
    /// A stop decided mid-block (semihosting exit, halt, fault), returned at the next boundary.
    var pendingStop: StopReason?
    /// The local exclusive monitor: marked address and size, if any.
    var exclusiveMonitor: (address: UInt64, size: Int)?
    /// PC of the store currently executing, for watch reports.
    var currentStorePC: UInt64 = 0
    /// Recently entered blocks (start, length), for fault reports.
    let recentBlocks = RecentBlockTrail()
    /// Whether the last single-stepped instruction was a load-exclusive (ESR.EX of the step exception).
    var steppedLoadExclusive = false
    /// Whether an instruction has been stepped since the step state machine became active-not-pending.
    var steppedInstruction = false
    /// The vector last entered and the instruction count then, to recognise an exception that
    /// re-enters its own vector with nothing retired in between (it would repeat forever).
    var lastVectorEntry: VectorEntry?
    /// Set by `step`: an exception taken before a fetch (an IRQ, a software step) ends the run, so
    /// that it is a step of its own rather than part of the vector's first instruction's.
    var stopsAfterExceptionBeforeFetch = false

    /// The semihosting immediate of `HLT` (A64).
    public static let semihostingImmediate: UInt64 = 0xF000

    public init(memory: PhysicalMemory = PhysicalMemory()) {
        self.memory = memory
        interruptController = InterruptController()
        registers = .allocate(capacity: RegisterSlot.count)
        registers.initialize(repeating: 0, count: RegisterSlot.count)
        retireRuns = .allocate(capacity: Self.retireBufferCapacity)
        retireData = .allocate(capacity: Self.retireBufferCapacity)
        memory.addDevice(interruptController.distributor, at: InterruptController.distributorRange)
        memory.addDevice(interruptController.cpuInterface, at: InterruptController.cpuInterfaceRange)
        memory.codeWriteHandler = { [unowned self] address, count in
            cache.invalidate(address: address, count: count)
            blockBreakRequested = true
        }
        memory.watchedWriteHandler = { [unowned self] address, count in
            let written = address..<address &+ UInt64(count)
            if watchedRanges.contains(where: { $0.overlaps(written) }) {
                watchedWriteHandler?(currentStorePC, address, count)
            }
            if coherence.isEnforced { trackCodeWrite(address, count: count) }
        }
        memory.watchedWillWriteHandler = { [unowned self] address, count in
            // self.memory, not the initialiser's parameter: capturing that would be a reference cycle.
            if coherence.isEnforced { coherence.noteOldWords(address, count: count, memory: self.memory) }
        }
        memory.deviceAccessHandler = { [unowned self] in
            irqLine = interruptController.irqAsserted
            blockBreakRequested = true
        }
    }

    /// A machine in the state `template` is in: a copy of its memory, registers, system registers,
    /// interrupt controller and counters, with a decode cache of its own that takes the template's
    /// decoded slots as its pages are first run. For
    /// booting one machine and copying it for each of many runs instead of booting each; the
    /// template must have no hooks, watches, observer or cycle model (what a boot leaves).
    public convenience init(copying template: Machine) {
        precondition(template.hooks.isEmpty && template.watchedRanges.isEmpty && template.controlFlowObserver == nil
                     && template.timing == .functional && template.timingState.isEmpty && !template.coherence.isEnforced,
                     "a machine to copy must have no hooks, watches, enforced code maintenance, observer or cycle model")
        self.init()
        memory.copyContents(of: template.memory)
        registers.update(from: template.registers, count: RegisterSlot.count)
        pc = template.pc
        pstate = template.pstate
        system = template.system
        counters = template.counters
        functionalModel = template.functionalModel
        stackLowWater = template.stackLowWater
        scheduledInterrupt = template.scheduledInterrupt
        irqLine = template.irqLine
        blockBreakRequested = template.blockBreakRequested
        pendingStop = template.pendingStop
        resumingFromHook = template.resumingFromHook
        exclusiveMonitor = template.exclusiveMonitor
        currentStorePC = template.currentStorePC
        steppedLoadExclusive = template.steppedLoadExclusive
        steppedInstruction = template.steppedInstruction
        lastVectorEntry = template.lastVectorEntry
        interruptController.copyState(from: template.interruptController)
        recentBlocks.copy(from: template.recentBlocks)
        cache.seed = template.cache
    }

    /// Decodes every instruction slot of the pages overlapping `range` now rather than when first
    /// run: for a machine that others are copied from (`init(copying:)`), whose copies then start
    /// with that code decoded. Changes nothing the guest can observe.
    public func decodeAhead(_ range: Range<UInt64>) {
        cache.decodeAll(range, memory: memory)
    }

    deinit {
        runTimes.handOver()
        registers.deallocate()
        retireRuns.deallocate()
        retireData.deallocate()
    }

    // MARK: Registers

    /// General-purpose register X`index` (0–30).
    public subscript(x index: Int) -> UInt64 {
        get {
            precondition((0...30).contains(index), "X\(index) is not a general-purpose register")
            return registers[index]
        }
        set {
            precondition((0...30).contains(index), "X\(index) is not a general-purpose register")
            registers[index] = newValue
        }
    }

    /// The stack pointer PSTATE.SP currently selects.
    public var sp: UInt64 {
        get { registers[Int(RegisterSlot.stackPointer)] }
        set {
            registers[Int(RegisterSlot.stackPointer)] = newValue
            noteStackPointer(newValue)
        }
    }

    /// X0–X30 as an array.
    public var generalRegisters: [UInt64] { (0...30).map { registers[$0] } }

    /// Switches PSTATE.SP, banking the current stack pointer.
    func selectStackPointer(exceptionStack: Bool) {
        guard exceptionStack != pstate.usesExceptionStack else { return }
        let current = registers[Int(RegisterSlot.stackPointer)]
        if pstate.usesExceptionStack { system.spEL1 = current } else { system.spEL0 = current }
        pstate.usesExceptionStack = exceptionStack
        registers[Int(RegisterSlot.stackPointer)] = exceptionStack ? system.spEL1 : system.spEL0
        noteStackPointer(registers[Int(RegisterSlot.stackPointer)])
    }

    /// SP_EL0 or SP_EL1, whichever is banked or current.
    public func stackPointer(forExceptionLevel level: Int) -> UInt64 {
        let current = registers[Int(RegisterSlot.stackPointer)]
        if level == 1 { return pstate.usesExceptionStack ? current : system.spEL1 }
        return pstate.usesExceptionStack ? system.spEL0 : current
    }

    @inline(__always)
    func noteStackPointer(_ value: UInt64) {
        if value < stackLowWater { stackLowWater = value }
    }

    /// Starts a new stack low-water measurement from the current SP.
    public func resetStackLowWater() {
        stackLowWater = sp
    }

    // MARK: Hooks and interrupts

    /// Stops `run` with `.hook(pc)` whenever execution reaches `address`.
    public func addHook(at address: UInt64) {
        guard hooks.insert(address).inserted else { return }
        cache.setHooked(address, true, memory: memory)
    }

    public func removeHook(at address: UInt64) {
        guard hooks.remove(address) != nil else { return }
        cache.setHooked(address, false, memory: memory)
    }

    public func removeAllHooks() {
        for address in hooks { cache.setHooked(address, false, memory: memory) }
        hooks.removeAll()
    }

    public var hookAddresses: Set<UInt64> { hooks }

    /// Makes interrupt `id` pending at the interrupt controller now.
    public func raiseInterrupt(_ id: Int) {
        interruptController.raise(id)
        irqLine = interruptController.irqAsserted
    }

    /// Raises interrupt `id` once `instructions` more instructions have retired, i.e. before the
    /// instruction after them. `instructions == 0` raises it before the next instruction.
    public func scheduleInterrupt(_ id: Int, afterInstructions instructions: UInt64) {
        scheduledInterrupt = (id, counters.instructions &+ instructions)
    }

    public func cancelScheduledInterrupt() {
        scheduledInterrupt = nil
    }

    // MARK: Memory watch

    /// Reports guest writes into `range` to `watchedWriteHandler`.
    public func watchWrites(to range: Range<UInt64>) {
        watchedRanges.append(range)
        memory.watch(range)
    }

    public func stopWatchingWrites(to range: Range<UInt64>) {
        // Pages another watched range (or an enforced code range) still covers stay watched.
        while let index = watchedRanges.firstIndex(of: range) {
            watchedRanges.remove(at: index)
            memory.unwatch(range)
        }
    }

    // MARK: Host calls into the guest

    /// Reads the instruction word at `address` for the host, if mapped.
    public func instructionWord(at address: UInt64) -> UInt32? {
        memory.readUInt32(at: address)
    }
}

/// Which cycle model times execution.
public enum TimingMode: Sendable, Equatable {
    /// One cycle per instruction; the fastest mode, for fast-forward and functional tests.
    case functional
    /// The detailed model of a CPU profile (in-order or out-of-order by the profile), whose
    /// predictors and caches persist across runs until reset.
    case profile(CPUProfile)
}

/// Receives control-flow events: the raw material of the shadow call stack.
///
/// An event arrives before the instruction it reports retires, with the machine's registers and
/// `counters` as they are then. The cycle model may not have timed the instructions before it
/// yet: its counters are brought up to date before `run` returns, so an observer reads timing
/// only after that.
public protocol ControlFlowObserver: AnyObject {
    /// BL or BLR at `site` to `target`; `returnAddress` is where the callee will return.
    func called(from site: UInt64, to target: UInt64, returnAddress: UInt64, stackPointer: UInt64)
    /// RET at `site` to `target`.
    func returned(from site: UInt64, to target: UInt64, stackPointer: UInt64)
    /// B or BR at `site` to `target` (a tail call if `target` starts another function).
    func branched(from site: UInt64, to target: UInt64, stackPointer: UInt64)
    /// An exception was taken at `pc` (the preferred return address) to `vector`.
    func exceptionTaken(at pc: UInt64, to vector: UInt64, stackPointer: UInt64)
    /// ERET at `site` to `target`.
    func exceptionReturned(from site: UInt64, to target: UInt64, stackPointer: UInt64)
}

/// A ring of the most recently entered blocks, for "last instructions executed" in fault reports.
final class RecentBlockTrail {
    static let capacity = 16
    /// The ring (the executor writes it directly, keeping `next` in a local while it runs).
    let starts: UnsafeMutablePointer<UInt64>
    let lengths: UnsafeMutablePointer<Int>
    /// The slot the next block goes to.
    var next = 0
    /// Blocks recorded (the ring holds the last `capacity`).
    var count = 0

    init() {
        starts = .allocate(capacity: Self.capacity)
        starts.initialize(repeating: 0, count: Self.capacity)
        lengths = .allocate(capacity: Self.capacity)
        lengths.initialize(repeating: 0, count: Self.capacity)
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
    }

    /// Takes on `other`'s ring.
    func copy(from other: RecentBlockTrail) {
        starts.update(from: other.starts, count: Self.capacity)
        lengths.update(from: other.lengths, count: Self.capacity)
        next = other.next
        count = other.count
    }

    @inline(__always)
    func record(start: UInt64, length: Int) {
        let slot = next
        starts[slot] = start
        lengths[slot] = length
        next = (slot &+ 1) & (Self.capacity - 1)
        count &+= 1
    }

    /// Up to `limit` instruction addresses ending just before `stop`, oldest first.
    func addresses(endingAt stop: UInt64, limit: Int) -> [UInt64] {
        var result: [UInt64] = []
        var index = (next - 1 + Self.capacity) % Self.capacity
        for _ in 0..<min(count, Self.capacity) {
            let start = starts[index]
            var addresses = (0..<lengths[index]).map { start &+ UInt64($0 * 4) }
            if let position = addresses.firstIndex(of: stop), result.isEmpty { addresses = Array(addresses[..<position]) }
            result = addresses + result
            if result.count >= limit { break }
            index = (index - 1 + Self.capacity) % Self.capacity
        }
        return Array(result.suffix(limit))
    }
}
