import A64

/// Instruction fetch of code the guest modifies, held to the architecture's rules.
///
/// By default a guest write to code takes effect at the next fetch, as if its cache maintenance
/// were free and complete. With `Machine.requireCodeMaintenance(in:)`, an instruction the guest
/// wrote in those ranges may be fetched again only after the sequence the Arm ARM requires for
/// modified instructions on a core that advertises neither CTR_EL0.IDC nor DIC (Cortex-A53 and
/// -A72), done on its 64-byte line: DC CVAU, a DSB, IC IVAU (or IC IALLU), a DSB, and a context
/// synchronization event (ISB, exception entry or exception return). Fetching it earlier could
/// execute the old instruction or the new one, so the machine stops with a fault naming the step
/// the guest left out — unless both are instructions the Arm ARM lets a PE execute while they are
/// modified (B, BL, BRK, HVC, ISB, NOP, SMC, SVC: its rules for concurrent modification and
/// execution), for which the fetch gets one or the other; the machine then runs the new one (or
/// the old one, with `Machine.earlyFetchRunsOldWord`), as arm64's ftrace relies on when an
/// interrupt calls a function whose NOP it is turning into a BL.
/// The line's other instructions are the same in either copy and run freely. Host writes
/// (loading, the harness's requests) are not tracked.
struct CodeCoherenceTracker {
    /// How far a written line has got through the required sequence.
    enum Step: Int, Sendable {
        case written, cleaned, cleanCompleted, invalidated, invalidateCompleted

        /// What the line still needs next, for the fault's message.
        var missing: String {
            switch self {
            case .written: return "DC CVAU (clean to the point of unification)"
            case .cleaned: return "a DSB after DC CVAU"
            case .cleanCompleted: return "IC IVAU (invalidate the instruction cache)"
            case .invalidated: return "a DSB after IC IVAU"
            case .invalidateCompleted: return "an ISB (or exception entry or return) after the invalidation"
            }
        }
    }

    static let lineBytes: UInt64 = 64

    /// Where guest writes are tracked (empty: coherence is immediate).
    private(set) var ranges: [Range<UInt64>] = []
    /// Written lines not yet synchronized, by line address.
    private(set) var lines: [UInt64: Step] = [:]
    /// The instructions (word addresses) written in those lines.
    private(set) var words: Set<UInt64> = []
    /// Each written instruction's word before its first write since its line was last synchronized.
    private(set) var oldWords: [UInt64: UInt32] = [:]

    /// Whether `word` is one of the instructions the Arm ARM lets a PE execute while another
    /// thread modifies it (the old or the new one executes): B, BL, BRK, HVC, ISB, NOP, SMC, SVC.
    static func isConcurrentlyModifiable(_ word: UInt32) -> Bool {
        let opcode = word & 0xFC00_0000
        if opcode == 0x1400_0000 || opcode == 0x9400_0000 { return true }          // B, BL
        let exception = word & 0xFFE0_001F
        if exception == 0xD420_0000 || (0xD400_0001...0xD400_0003).contains(exception) { return true } // BRK, SVC, HVC, SMC
        return word == 0xD503_201F || word & 0xFFFF_F0FF == 0xD503_30DF          // NOP, ISB
    }

    /// Before a guest write of `count` bytes at `address`: keeps the old word of each instruction
    /// not already written since its line was last synchronized.
    mutating func noteOldWords(_ address: UInt64, count: Int, memory: PhysicalMemory) {
        let written = address..<(address &+ UInt64(count))
        guard ranges.contains(where: { $0.overlaps(written) }) else { return }
        var word = address & ~3
        while word < written.upperBound {
            if oldWords[word] == nil, let old = memory.readUInt32(at: word) { oldWords[word] = old }
            word &+= 4
        }
    }

    /// The old and the new word of the instruction at `address` when an early fetch may get either
    /// (both concurrently modifiable); nil otherwise.
    func eitherWord(at address: UInt64, memory: PhysicalMemory) -> (old: UInt32, new: UInt32)? {
        guard let old = oldWords[address], let new = memory.readUInt32(at: address),
              Self.isConcurrentlyModifiable(old) && Self.isConcurrentlyModifiable(new) else { return nil }
        return (old, new)
    }

    var isEnforced: Bool { !ranges.isEmpty }

    static func line(of address: UInt64) -> UInt64 { address & ~(lineBytes - 1) }

    mutating func enforce(in ranges: [Range<UInt64>]) {
        self.ranges = ranges
    }

    /// A guest write of `count` bytes at `address`: returns the instructions (word addresses) newly
    /// unsynchronized.
    mutating func written(_ address: UInt64, count: Int) -> [UInt64] {
        let written = address..<(address &+ UInt64(count))
        guard ranges.contains(where: { $0.overlaps(written) }) else { return [] }
        var newlyMarked: [UInt64] = []
        var word = address & ~3
        while word < written.upperBound {
            lines[Self.line(of: word)] = .written
            if words.insert(word).inserted { newlyMarked.append(word) }
            word &+= 4
        }
        return newlyMarked
    }

    /// Cache maintenance by the guest.
    mutating func maintained(_ operation: CacheOperation, address: UInt64) {
        guard !lines.isEmpty else { return }
        switch operation {
        case .dcCvaU, .dcCvaC, .dcCivaC:
            advance(Self.line(of: address), from: .written, to: .cleaned)
        case .icIvaU:
            advance(Self.line(of: address), from: .cleanCompleted, to: .invalidated)
        case .icIallU, .icIallUIS:
            for (line, step) in lines where step == .cleanCompleted { lines[line] = .invalidated }
        case .dcIvaC, .dcIsw, .dcCsw, .dcCisw:
            break
        }
    }

    /// A DSB completed: maintenance issued before it is complete.
    mutating func dataBarrier() {
        for (line, step) in lines {
            if step == .cleaned { lines[line] = .cleanCompleted } else if step == .invalidated { lines[line] = .invalidateCompleted }
        }
    }

    /// A context synchronization event: returns the instructions now fetchable again.
    mutating func contextSynchronized() -> [UInt64] {
        let synchronized = Set(lines.filter { $0.value == .invalidateCompleted }.map(\.key))
        guard !synchronized.isEmpty else { return [] }
        for line in synchronized { lines[line] = nil }
        let released = words.filter { synchronized.contains(Self.line(of: $0)) }
        words.subtract(released)
        for word in released { oldWords[word] = nil }
        return Array(released)
    }

    /// The step a fetch of the instruction at `address` still lacks, if the guest wrote it and its
    /// line is not synchronized.
    func missingStep(at address: UInt64) -> Step? {
        guard !words.isEmpty, words.contains(address) else { return nil }
        return lines[Self.line(of: address)]
    }

    private mutating func advance(_ line: UInt64, from: Step, to: Step) {
        if lines[line] == from { lines[line] = to }
    }
}

extension Machine {
    /// Holds fetches of code the guest writes in `ranges` to the architecture's maintenance rules
    /// (`CodeCoherenceTracker`): a line fetched before its write was cleaned, invalidated and
    /// synchronized stops the machine with an `incoherentInstructionFetch` fault. Writes are
    /// tracked from now on; an empty list turns the check off again.
    public func requireCodeMaintenance(in ranges: [Range<UInt64>]) {
        for word in coherence.words { cache.setCoherenceMark(word, false, memory: memory) }
        // Pages only the previous ranges watched go back to the fast write path.
        for range in coherence.ranges { memory.unwatch(range) }
        coherence = CodeCoherenceTracker()
        coherence.enforce(in: ranges)
        for range in coherence.ranges { memory.watch(range) }
    }

    /// Lines the guest wrote in the enforced ranges and has not yet made fetchable, lowest first.
    public var unsynchronizedCodeLines: [UInt64] { coherence.lines.keys.sorted() }

    /// "code it wrote (line 0x…, symbol) lacking <step> (…)" for the lowest unsynchronized line,
    /// or nil when every written line is synchronized: what a host call's end or a program's exit
    /// reports (`symbolize` names an address).
    public func unsynchronizedCodeReport(symbolize: (UInt64) -> String?) -> String? {
        guard let (line, step) = coherence.lines.min(by: { $0.key < $1.key }) else { return nil }
        return "code it wrote (line 0x\(String(line, radix: 16))\(symbolize(line).map { ", \($0)" } ?? "")) lacking \(step.missing) "
            + "(code maintenance is required here)"
    }

    /// A guest write to a watched page: tracks it if it falls in an enforced range.
    func trackCodeWrite(_ address: UInt64, count: Int) {
        for word in coherence.written(address, count: count) {
            cache.setCoherenceMark(word, true, memory: memory)
            blockBreakRequested = true
        }
    }

    /// DC/IC maintenance by address (or IC IALLU) the guest executed.
    @inline(__always)
    func trackCacheMaintenance(_ operation: CacheOperation, address: UInt64) {
        if !coherence.lines.isEmpty { coherence.maintained(operation, address: address) }
    }

    /// A DSB the guest executed (not SSBB or PSSBB).
    @inline(__always)
    func trackDataSynchronizationBarrier(option: UInt8) {
        guard !coherence.lines.isEmpty, option != BarrierOption.speculativeStoreBypass,
              option != BarrierOption.physicalSpeculativeStoreBypass else { return }
        coherence.dataBarrier()
    }

    /// An ISB, exception entry or exception return: lines whose maintenance completed become fetchable.
    @inline(__always)
    func trackContextSynchronization() {
        guard !coherence.lines.isEmpty else { return }
        for word in coherence.contextSynchronized() { cache.setCoherenceMark(word, false, memory: memory) }
    }

    /// What a fetch of the instruction at `address` gets, if the guest wrote it and its line is not
    /// yet synchronized.
    enum EarlyFetch {
        /// Nothing to check, or the new word runs.
        case proceed
        /// The old word runs, once (`earlyFetchRunsOldWord`).
        case runOld(old: UInt32, new: UInt32)
        /// The machine stopped with a fault naming the step the guest left out.
        case stopped
    }

    /// Stops with a fault if the guest wrote the instruction at `address` and its line is not yet
    /// synchronized, unless the architecture lets the fetch get either word (both concurrently
    /// modifiable): then the new word runs, or the old one with `earlyFetchRunsOldWord`.
    func earlyFetch(at address: UInt64) -> EarlyFetch {
        guard let step = coherence.missingStep(at: address) else { return .proceed }
        if let words = coherence.eitherWord(at: address, memory: memory) {
            return earlyFetchRunsOldWord ? .runOld(old: words.old, new: words.new) : .proceed
        }
        let line = CodeCoherenceTracker.line(of: address)
        stopWithFault(.incoherentInstructionFetch(line: line), at: address,
                      message: "instruction fetched that the guest wrote (line 0x\(String(line, radix: 16))) without "
                        + "\(step.missing) afterwards (code maintenance is required here)")
        return .stopped
    }

    /// Runs `old` at `pc` once in place of `new`, as a core whose instruction cache still holds the
    /// line would: the word is swapped in by a host write (which no coherence tracking sees), run
    /// as a one-instruction block, and swapped back.
    func runOldWord<Model: CycleModel>(_ old: UInt32, insteadOf new: UInt32, at pc: UInt64, page: CodePage, index: Int,
                                      model: inout Model) {
        memory.writeUInt32(old, at: pc)
        executeBlocks(page: page, from: index, budget: 1, chain: AnywhereInCode(), model: &model)
        memory.writeUInt32(new, at: pc)
    }
}
