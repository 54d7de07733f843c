import A64

/// Predecoded instructions, one `CodePage` per 4 KiB page of guest code.
///
/// A code page holds one decoded slot per instruction word (the `Instruction`, its executor form
/// `MicroOp` and its cycle-model digest `TimedInstruction`) and, for each slot, the length of the
/// basic block that starts there (instructions up to and including the first that ends a block,
/// the end of the page, or the instruction before a PC hook). Slots are decoded when their block
/// is first entered. A guest write to a code page resets the written slots and every block length
/// of the page, so patched code is seen at once.
final class CodePage {
    static let slotCount = Int(PhysicalMemory.pageSize / 4)

    let base: UInt64
    let bytes: UnsafeMutableRawPointer
    /// Decoded instructions; a slot not yet decoded holds `.undefined` with `decoded[slot] == false`.
    let instructions: UnsafeMutablePointer<Instruction>
    /// The executor's form of each slot; `.undecoded` until the slot is decoded.
    let ops: UnsafeMutablePointer<MicroOp>
    /// What the cycle models need of each decoded slot.
    let timing: UnsafeMutablePointer<TimedInstruction>
    /// Block length starting at each slot; 0 = not yet computed.
    let blockLengths: UnsafeMutablePointer<UInt16>
    let decoded: UnsafeMutablePointer<Bool>
    /// Slots that carry a PC hook or an instruction whose fetch is checked for maintenance
    /// (`CodeCoherenceTracker`): blocks end before them so the run loop sees them at a block start.
    let hooked: UnsafeMutablePointer<Bool>

    init(base: UInt64, bytes: UnsafeMutableRawPointer) {
        precondition(MemoryLayout<MicroOp>.stride == 16, "the executor indexes micro-ops by 16-byte slots")
        self.base = base
        self.bytes = bytes
        instructions = .allocate(capacity: Self.slotCount)
        instructions.initialize(repeating: .undefined(0), count: Self.slotCount)
        ops = .allocate(capacity: Self.slotCount)
        ops.initialize(repeating: .undecoded, count: Self.slotCount)
        timing = .allocate(capacity: Self.slotCount)
        timing.initialize(repeating: Self.undefinedTiming, count: Self.slotCount)
        blockLengths = .allocate(capacity: Self.slotCount)
        blockLengths.initialize(repeating: 0, count: Self.slotCount)
        decoded = .allocate(capacity: Self.slotCount)
        decoded.initialize(repeating: false, count: Self.slotCount)
        hooked = .allocate(capacity: Self.slotCount)
        hooked.initialize(repeating: false, count: Self.slotCount)
        TimingDigestGeneration.advance()
    }

    deinit {
        TimingDigestGeneration.advance()
        instructions.deallocate()
        ops.deallocate()
        timing.deallocate()
        blockLengths.deallocate()
        decoded.deallocate()
        hooked.deallocate()
    }

    static let undefinedTiming = TimedInstruction(.undefined(0))

    /// Decodes slot `index` from the page's current bytes.
    func decode(_ index: Int) {
        let word = bytes.load(fromByteOffset: index * 4, as: UInt32.self)
        let instruction = Decoder.decode(word, at: base &+ UInt64(index * 4))
        instructions[index] = instruction
        ops[index] = MicroOp.translate(instruction)
        timing[index] = TimedInstruction(instruction)
        TimingDigestGeneration.advance()
        decoded[index] = true
    }

    /// Takes `template`'s decoded slots whose word this page still holds (a page of a machine copied
    /// from the template's: decoding is a pure function of the word and its address).
    func seed(from template: CodePage) {
        defer { TimingDigestGeneration.advance() }
        for index in 0..<Self.slotCount where template.decoded[index] {
            let word = bytes.load(fromByteOffset: index * 4, as: UInt32.self)
            guard word == template.bytes.load(fromByteOffset: index * 4, as: UInt32.self) else { continue }
            instructions[index] = template.instructions[index]
            ops[index] = template.ops[index]
            timing[index] = template.timing[index]
            decoded[index] = true
        }
    }

    /// The length of the block starting at slot `index`, computing (and decoding) it if needed.
    @inline(__always)
    func blockLength(at index: Int) -> Int {
        let known = blockLengths[index]
        if known != 0 { return Int(known) }
        return computeBlockLength(at: index)
    }

    private func computeBlockLength(at index: Int) -> Int {
        var cursor = index
        while cursor < Self.slotCount {
            if !decoded[cursor] { decode(cursor) }
            if instructions[cursor].endsBlock { cursor += 1; break }
            cursor += 1
            if cursor < Self.slotCount && hooked[cursor] { break }
        }
        let length = cursor - index
        blockLengths[index] = UInt16(length)
        return length
    }

    /// Forgets decoded slots overlapping `[offset, offset + count)` and every block length.
    func invalidate(byteOffset offset: Int, count: Int) {
        let first = offset / 4
        let last = min(Self.slotCount - 1, (offset + count - 1) / 4)
        if first <= last {
            TimingDigestGeneration.advance()
            for index in first...last {
                decoded[index] = false
                instructions[index] = .undefined(0)
                ops[index] = .undecoded
                timing[index] = Self.undefinedTiming
            }
        }
        blockLengths.update(repeating: 0, count: Self.slotCount)
    }

    /// Forgets every block length (after hooks change).
    func resetBlockLengths() {
        blockLengths.update(repeating: 0, count: Self.slotCount)
    }
}

/// The code pages of a machine, with a direct-mapped table of recently executed pages in front of
/// the dictionary (so execution that moves between pages neither hashes nor counts references).
final class DecodeCache {
    private var pages: [UInt64: CodePage] = [:]
    static let recentEntries = 256
    /// Page number + 1 (0 = empty) and the page, per slot `number % recentEntries`; the dictionary
    /// keeps the pages alive (pages are dropped only by `removeAll`, which empties this too).
    private let recentTags: UnsafeMutablePointer<UInt64>
    private let recentPages: UnsafeMutablePointer<Unmanaged<CodePage>?>
    /// Every hooked address, so a page created after its hooks were set still ends blocks before them.
    private var hookedAddresses: Set<UInt64> = []
    /// Instructions whose fetch must be checked first (`CodeCoherenceTracker`): their slots are
    /// flagged as hooked slots are, so the run loop looks at them before executing them.
    private var markedWords: Set<UInt64> = []
    /// Pages decoded since creation, for statistics.
    private(set) var pagesDecoded = 0
    /// The cache of the machine this one's was copied from: new pages take its decoded slots. Only
    /// read (`existingPage`), so copies on several threads may share it while it is not running.
    var seed: DecodeCache?

    init() {
        recentTags = .allocate(capacity: Self.recentEntries)
        recentTags.initialize(repeating: 0, count: Self.recentEntries)
        recentPages = .allocate(capacity: Self.recentEntries)
        recentPages.initialize(repeating: nil, count: Self.recentEntries)
    }

    deinit {
        recentTags.deallocate()
        recentPages.deallocate()
    }

    /// `page(containing:memory:)` without counting a reference (the cache keeps the page alive).
    @inline(__always)
    func unmanagedPage(containing address: UInt64, memory: PhysicalMemory) -> Unmanaged<CodePage>? {
        let number = address >> PhysicalMemory.pageShift
        let slot = Int(truncatingIfNeeded: number) & (Self.recentEntries - 1)
        if recentTags[slot] == number &+ 1, let page = recentPages[slot] { return page }
        return slowPage(number: number, memory: memory).map { Unmanaged.passUnretained($0) }
    }

    /// The code page holding `address`, created on first use; nil if the memory there is unmapped.
    @inline(__always)
    func page(containing address: UInt64, memory: PhysicalMemory) -> CodePage? {
        let number = address >> PhysicalMemory.pageShift
        let slot = Int(truncatingIfNeeded: number) & (Self.recentEntries - 1)
        if recentTags[slot] == number &+ 1, let page = recentPages[slot] { return page.takeUnretainedValue() }
        return slowPage(number: number, memory: memory)
    }

    @inline(never)
    private func slowPage(number: UInt64, memory: PhysicalMemory) -> CodePage? {
        let page: CodePage
        if let existing = pages[number] {
            page = existing
        } else {
            let base = number << PhysicalMemory.pageShift
            guard let bytes = memory.pageBytes(containing: base) else { return nil }
            page = CodePage(base: base, bytes: bytes)
            if let template = seed?.existingPage(containing: base) { page.seed(from: template) }
            for address in hookedAddresses where address >> PhysicalMemory.pageShift == number {
                page.hooked[Int(address & PhysicalMemory.pageOffsetMask) / 4] = true
            }
            for address in markedWords where address >> PhysicalMemory.pageShift == number {
                page.hooked[Int(address & PhysicalMemory.pageOffsetMask) / 4] = true
            }
            pages[number] = page
            pagesDecoded += 1
            memory.markHoldsCode(base, true)
        }
        let slot = Int(truncatingIfNeeded: number) & (Self.recentEntries - 1)
        recentTags[slot] = number &+ 1
        recentPages[slot] = Unmanaged.passUnretained(page)
        return page
    }

    /// Decodes every slot of the pages overlapping `range` (that are mapped).
    func decodeAll(_ range: Range<UInt64>, memory: PhysicalMemory) {
        guard !range.isEmpty else { return }
        var address = range.lowerBound & ~PhysicalMemory.pageOffsetMask
        while address < range.upperBound {
            if let page = page(containing: address, memory: memory) {
                for index in 0..<CodePage.slotCount where !page.decoded[index] { page.decode(index) }
            }
            address &+= PhysicalMemory.pageSize
        }
    }

    /// The code page holding `address` if one exists, without creating it.
    func existingPage(containing address: UInt64) -> CodePage? {
        pages[address >> PhysicalMemory.pageShift]
    }

    /// Invalidates decoded instructions for a write of `count` bytes at `address`.
    func invalidate(address: UInt64, count: Int) {
        var cursor = address
        let end = address &+ UInt64(count)
        while cursor < end {
            let pageEnd = (cursor | PhysicalMemory.pageOffsetMask) &+ 1
            let chunkEnd = min(end, pageEnd)
            if let page = pages[cursor >> PhysicalMemory.pageShift] {
                page.invalidate(byteOffset: Int(cursor & PhysicalMemory.pageOffsetMask), count: Int(chunkEnd - cursor))
            }
            cursor = chunkEnd
        }
    }

    /// Marks or unmarks a PC hook at `address`, re-splitting blocks on its page.
    func setHooked(_ address: UInt64, _ hooked: Bool, memory: PhysicalMemory) {
        if hooked { hookedAddresses.insert(address) } else { hookedAddresses.remove(address) }
        guard let page = page(containing: address, memory: memory) else { return }
        page.hooked[Int(address & PhysicalMemory.pageOffsetMask) / 4] = hooked || markedWords.contains(address)
        page.resetBlockLengths()
    }

    /// Flags or unflags the instruction at `address` for a check before it runs (a slot with a PC
    /// hook stays flagged).
    func setCoherenceMark(_ address: UInt64, _ marked: Bool, memory: PhysicalMemory) {
        if marked { markedWords.insert(address) } else { markedWords.remove(address) }
        guard let page = existingPage(containing: address) else { return }
        page.hooked[Int(address & PhysicalMemory.pageOffsetMask) / 4] = marked || hookedAddresses.contains(address)
        page.resetBlockLengths()
    }

    /// Drops every decoded page.
    func removeAll(memory: PhysicalMemory) {
        for page in pages.values { memory.markHoldsCode(page.base, false) }
        pages.removeAll()
        recentTags.update(repeating: 0, count: Self.recentEntries)
        recentPages.update(repeating: nil, count: Self.recentEntries)
    }
}
