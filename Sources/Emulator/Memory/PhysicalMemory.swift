/// The guest's flat physical memory: sparse 4 KiB pages, RAM regions populated on first touch,
/// memory-mapped devices, and a small software TLB in front of the page table.
///
/// With the MMU off every mapped byte is readable, writable and executable; an access to an
/// address that is neither a page, a RAM region nor a device faults. Pages that hold decoded code
/// or are watched never enter the write TLB, so every write to them takes the slow path, which
/// invalidates decoded instructions and reports watched writes.
public final class PhysicalMemory {
    public static let pageShift: UInt64 = 12
    public static let pageSize: UInt64 = 1 << pageShift
    static let pageOffsetMask: UInt64 = pageSize - 1
    static let tlbEntries = 256

    /// One 4 KiB page of guest memory.
    final class Page {
        let bytes: UnsafeMutableRawPointer
        /// Decoded instructions exist for this page: writes must invalidate them.
        var holdsCode = false
        /// Writes to this page are reported to the text watch.
        var watched = false

        init() {
            bytes = UnsafeMutableRawPointer.allocate(byteCount: Int(PhysicalMemory.pageSize), alignment: 64)
            bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Int(PhysicalMemory.pageSize))
        }

        /// A page holding a copy of `other`'s bytes (neither code nor watched).
        init(copying other: Page) {
            bytes = UnsafeMutableRawPointer.allocate(byteCount: Int(PhysicalMemory.pageSize), alignment: 64)
            bytes.copyMemory(from: other.bytes, byteCount: Int(PhysicalMemory.pageSize))
        }

        deinit { bytes.deallocate() }
    }

    private(set) var pages: [UInt64: Page] = [:]
    /// The ranges `watch(_:)` covers, one entry per watch (a range watched twice is listed twice).
    private var watchedRanges: [Range<UInt64>] = []
    /// Address ranges backed by RAM that is allocated when first touched.
    public private(set) var ramRegions: [Range<UInt64>] = []
    private var devices: [(range: Range<UInt64>, device: MemoryMappedDevice)] = []

    /// One entry of a direct-mapped TLB: the page's guest address (`TLBEntry.empty` when unused)
    /// and its bytes. A tag is page-aligned, so `address & (~pageOffsetMask | (size - 1)) == tag`
    /// checks the page and the natural alignment of a `size`-byte access in one comparison.
    struct TLBEntry {
        static let empty: UInt64 = .max
        var tag: UInt64 = TLBEntry.empty
        var base: UnsafeMutableRawPointer?
    }

    // Direct-mapped TLBs indexed by page number; pages holding code or watched never enter the write TLB.
    let readTLB: UnsafeMutablePointer<TLBEntry>
    let writeTLB: UnsafeMutablePointer<TLBEntry>

    /// Called for every guest write to a page that holds decoded code: (address, byte count).
    var codeWriteHandler: ((UInt64, Int) -> Void)?
    /// Called for every write to a watched page: (address, byte count).
    var watchedWriteHandler: ((UInt64, Int) -> Void)?
    /// Called before every write to a watched page, while it still holds the old bytes: (address, byte count).
    var watchedWillWriteHandler: ((UInt64, Int) -> Void)?
    /// Called after a device access so the machine can re-evaluate interrupt lines.
    var deviceAccessHandler: (() -> Void)?

    public init() {
        readTLB = .allocate(capacity: Self.tlbEntries)
        readTLB.initialize(repeating: TLBEntry(), count: Self.tlbEntries)
        writeTLB = .allocate(capacity: Self.tlbEntries)
        writeTLB.initialize(repeating: TLBEntry(), count: Self.tlbEntries)
    }

    deinit {
        readTLB.deallocate()
        writeTLB.deallocate()
    }

    // MARK: Layout

    /// Declares `range` as RAM: pages appear, zeroed, when first touched.
    public func addRAM(_ range: Range<UInt64>) {
        ramRegions.append(range)
    }

    /// Maps a device over `range`; device ranges must not overlap RAM that is in use.
    public func addDevice(_ device: MemoryMappedDevice, at range: Range<UInt64>) {
        devices.append((range, device))
    }

    /// Whether `address` is backed by a page, a RAM region or a device.
    public func isMapped(_ address: UInt64) -> Bool {
        pages[address >> Self.pageShift] != nil || isRAM(address) || device(at: address) != nil
    }

    private func isRAM(_ address: UInt64) -> Bool {
        ramRegions.contains { $0.contains(address) }
    }

    private func device(at address: UInt64) -> (range: Range<UInt64>, device: MemoryMappedDevice)? {
        devices.first { $0.range.contains(address) }
    }

    /// The page holding `address`, created if it lies in RAM; nil if unmapped.
    func page(containing address: UInt64, create: Bool = true) -> Page? {
        let number = address >> Self.pageShift
        if let page = pages[number] { return page }
        guard create, isRAM(address) else { return nil }
        return newPage(number)
    }

    /// Creates the pages covering `range` (used by the loader for segments outside RAM regions).
    public func map(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var number = range.lowerBound >> Self.pageShift
        let last = (range.upperBound - 1) >> Self.pageShift
        while number <= last {
            if pages[number] == nil { _ = newPage(number) }
            number += 1
        }
    }

    /// Takes on `other`'s RAM regions and a copy of every page it has, into a memory that has no
    /// pages yet (devices are not copied: each machine maps its own).
    func copyContents(of other: PhysicalMemory) {
        precondition(pages.isEmpty && watchedRanges.isEmpty && other.watchedRanges.isEmpty,
                     "copying memory into a memory that already has pages, or with watches")
        for region in other.ramRegions where !ramRegions.contains(region) { ramRegions.append(region) }
        pages.reserveCapacity(other.pages.count)
        for (number, page) in other.pages { pages[number] = Page(copying: page) }
    }

    /// The number of pages allocated so far.
    public var allocatedPageCount: Int { pages.count }

    // MARK: Fast paths

    /// Reads `size` (1, 2, 4 or 8) bytes little-endian, or nil if the access faults.
    @inline(__always)
    func read(_ address: UInt64, size: Int) -> UInt64? {
        let entry = readTLB[Self.tlbSlot(address)]
        let offset = Int(address & Self.pageOffsetMask)
        if entry.tag == address & ~Self.pageOffsetMask, offset &+ size <= Int(Self.pageSize), let base = entry.base {
            switch size {
            case 8: return base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            case 4: return UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            case 2: return UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            default: return UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            }
        }
        return slowRead(address, size: size)
    }

    /// Writes the low `size` bytes of `value` little-endian; false if the access faults.
    @inline(__always)
    func write(_ address: UInt64, size: Int, value: UInt64) -> Bool {
        let entry = writeTLB[Self.tlbSlot(address)]
        let offset = Int(address & Self.pageOffsetMask)
        if entry.tag == address & ~Self.pageOffsetMask, offset &+ size <= Int(Self.pageSize), let base = entry.base {
            store(value, size: size, to: base + offset)
            return true
        }
        return slowWrite(address, size: size, value: value)
    }

    /// The TLB slot of the page holding `address`.
    @inline(__always)
    static func tlbSlot(_ address: UInt64) -> Int {
        Int(truncatingIfNeeded: (address >> pageShift) & UInt64(tlbEntries - 1))
    }

    /// The host address of a naturally aligned access to `address` (`alignment` = size − 1) if its
    /// page is in `tlb`; nil for a miss or a misaligned address (the caller takes the slow path).
    @inline(__always)
    static func hostAddress(_ tlb: UnsafeMutablePointer<TLBEntry>, _ address: UInt64,
                            alignment: UInt64) -> UnsafeMutableRawPointer? {
        let entry = tlb[tlbSlot(address)]
        guard entry.tag == address & (~pageOffsetMask | alignment) else { return nil }
        return entry.base.unsafelyUnwrapped + Int(truncatingIfNeeded: address & pageOffsetMask)
    }

    @inline(__always)
    private func store(_ value: UInt64, size: Int, to pointer: UnsafeMutableRawPointer) {
        switch size {
        case 8: pointer.storeBytes(of: value, as: UInt64.self)
        case 4: pointer.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        case 2: pointer.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        default: pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        }
    }

    // MARK: Slow paths

    private func slowRead(_ address: UInt64, size: Int) -> UInt64? {
        let offset = Int(address & Self.pageOffsetMask)
        if offset + size > Int(Self.pageSize) {
            // An access that crosses a page boundary: assemble it byte by byte.
            var value: UInt64 = 0
            for index in 0..<size {
                guard let byte = slowRead(address &+ UInt64(index), size: 1) else { return nil }
                value |= byte << UInt64(index * 8)
            }
            return value
        }
        if let page = page(containing: address) {
            fillReadTLB(address: address, page: page)
            return read(address, size: size)
        }
        if let (range, device) = device(at: address) {
            let value = device.read(offset: address - range.lowerBound, size: size)
            deviceAccessHandler?()
            return value
        }
        return nil
    }

    private func slowWrite(_ address: UInt64, size: Int, value: UInt64) -> Bool {
        let offset = Int(address & Self.pageOffsetMask)
        if offset + size > Int(Self.pageSize) {
            for index in 0..<size {
                guard slowWrite(address &+ UInt64(index), size: 1, value: value >> UInt64(index * 8)) else {
                    return false
                }
            }
            return true
        }
        if let page = page(containing: address) {
            if page.watched { watchedWillWriteHandler?(address, size) }
            store(value, size: size, to: page.bytes + offset)
            if page.watched { watchedWriteHandler?(address, size) }
            if page.holdsCode {
                codeWriteHandler?(address, size)
            } else if !page.watched {
                fillWriteTLB(address: address, page: page)
            }
            return true
        }
        if let (range, device) = device(at: address) {
            device.write(offset: address - range.lowerBound, size: size, value: value)
            deviceAccessHandler?()
            return true
        }
        return false
    }

    private func fillReadTLB(address: UInt64, page: Page) {
        readTLB[Self.tlbSlot(address)] = TLBEntry(tag: address & ~Self.pageOffsetMask, base: page.bytes)
    }

    private func fillWriteTLB(address: UInt64, page: Page) {
        writeTLB[Self.tlbSlot(address)] = TLBEntry(tag: address & ~Self.pageOffsetMask, base: page.bytes)
    }

    /// Removes the page holding `address` from the write TLB, so writes to it take the slow path.
    func evictFromWriteTLB(_ address: UInt64) {
        let slot = Self.tlbSlot(address)
        if writeTLB[slot].tag == address & ~Self.pageOffsetMask {
            writeTLB[slot] = TLBEntry()
        }
    }

    // MARK: Host access (loader, harness)

    /// Reads bytes for the host without side effects on devices; nil if any byte is unmapped.
    public func readBytes(at address: UInt64, count: Int) -> [UInt8]? {
        var result = [UInt8]()
        result.reserveCapacity(count)
        var cursor = address
        var remaining = count
        while remaining > 0 {
            guard let page = page(containing: cursor, create: false) else {
                // Untouched RAM reads as zero without allocating.
                guard isRAM(cursor) else { return nil }
                let chunk = min(remaining, Int(Self.pageSize - (cursor & Self.pageOffsetMask)))
                result.append(contentsOf: repeatElement(0, count: chunk))
                cursor &+= UInt64(chunk)
                remaining -= chunk
                continue
            }
            let offset = Int(cursor & Self.pageOffsetMask)
            let chunk = min(remaining, Int(Self.pageSize) - offset)
            result.append(contentsOf: UnsafeRawBufferPointer(start: page.bytes + offset, count: chunk))
            cursor &+= UInt64(chunk)
            remaining -= chunk
        }
        return result
    }

    /// Reads a little-endian 64-bit value for the host; nil if unmapped.
    public func readUInt64(at address: UInt64) -> UInt64? {
        guard let bytes = readBytes(at: address, count: 8) else { return nil }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads a little-endian 32-bit value for the host; nil if unmapped.
    public func readUInt32(at address: UInt64) -> UInt32? {
        guard let bytes = readBytes(at: address, count: 4) else { return nil }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Writes bytes from the host. Decoded code in those pages is invalidated like a guest write;
    /// watches are not triggered (the host is not the guest). Returns false if any byte is unmapped
    /// (the bytes before it are written).
    @discardableResult
    public func writeBytes<Bytes: Collection>(_ bytes: Bytes, at address: UInt64) -> Bool where Bytes.Element == UInt8 {
        var cursor = address
        var source = bytes.startIndex
        var remaining = bytes.count
        // A page at a time: one page lookup and one invalidation per page, not per byte.
        while remaining > 0 {
            guard let page = page(containing: cursor) else { return false }
            let offset = Int(cursor & Self.pageOffsetMask)
            let chunk = min(remaining, Int(Self.pageSize) - offset)
            let end = bytes.index(source, offsetBy: chunk)
            let destination = page.bytes + offset
            var written = 0
            for byte in bytes[source..<end] {
                destination.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
                written += 1
            }
            if page.holdsCode { codeWriteHandler?(cursor, chunk) }
            source = end
            cursor &+= UInt64(chunk)
            remaining -= chunk
        }
        return true
    }

    /// Writes `count` zero bytes from the host, as `writeBytes` does.
    @discardableResult
    public func writeZeros(count: Int, at address: UInt64) -> Bool {
        var cursor = address
        var remaining = count
        while remaining > 0 {
            guard let page = page(containing: cursor) else { return false }
            let offset = Int(cursor & Self.pageOffsetMask)
            let chunk = min(remaining, Int(Self.pageSize) - offset)
            (page.bytes + offset).initializeMemory(as: UInt8.self, repeating: 0, count: chunk)
            if page.holdsCode { codeWriteHandler?(cursor, chunk) }
            cursor &+= UInt64(chunk)
            remaining -= chunk
        }
        return true
    }

    /// Writes a little-endian 64-bit value from the host.
    @discardableResult
    public func writeUInt64(_ value: UInt64, at address: UInt64) -> Bool {
        writeBytes((0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }, at: address)
    }

    /// Writes a little-endian 32-bit value from the host.
    @discardableResult
    public func writeUInt32(_ value: UInt32, at address: UInt64) -> Bool {
        writeBytes((0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32($0 * 8)) }, at: address)
    }

    // MARK: Watches and code tracking

    /// Reports guest writes to the pages covering `range` (`watchedWriteHandler`) until the same
    /// range is unwatched. Pages not yet touched are not created for it: a page first touched
    /// while a watch covers it starts watched (creating them here allocated and zeroed the whole of
    /// every watched region, a module area included, on every change of watches).
    func watch(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        watchedRanges.append(range)
        updateWatchedPages(in: range)
    }

    /// Ends one `watch(range)`; pages another watch still covers stay watched.
    func unwatch(_ range: Range<UInt64>) {
        guard let index = watchedRanges.firstIndex(of: range) else { return }
        watchedRanges.remove(at: index)
        updateWatchedPages(in: range)
    }

    /// Whether a watch covers part of page `number`.
    private func isWatched(pageNumber number: UInt64) -> Bool {
        let start = number << Self.pageShift, end = start &+ Self.pageSize
        return watchedRanges.contains { $0.lowerBound < end && start < $0.upperBound }
    }

    /// Sets the watched flag of the existing pages covering `range` from the watches.
    private func updateWatchedPages(in range: Range<UInt64>) {
        var number = range.lowerBound >> Self.pageShift
        let last = (range.upperBound - 1) >> Self.pageShift
        while number <= last {
            if let page = pages[number] {
                page.watched = isWatched(pageNumber: number)
                evictFromWriteTLB(number << Self.pageShift)
            }
            number += 1
        }
    }

    /// A new page for page `number`, watched if a watch covers it.
    private func newPage(_ number: UInt64) -> Page {
        let page = Page()
        if !watchedRanges.isEmpty { page.watched = isWatched(pageNumber: number) }
        pages[number] = page
        return page
    }

    /// Marks the page holding `address` as holding decoded code.
    func markHoldsCode(_ address: UInt64, _ holdsCode: Bool) {
        guard let page = page(containing: address, create: false) else { return }
        page.holdsCode = holdsCode
        if holdsCode { evictFromWriteTLB(address) }
    }

    /// The bytes of the page holding `address`, for the instruction fetcher; nil if unmapped.
    func pageBytes(containing address: UInt64) -> UnsafeMutableRawPointer? {
        page(containing: address)?.bytes
    }

    /// Drops every cached translation (after pages are remapped or flags change wholesale).
    func flushTLBs() {
        readTLB.update(repeating: TLBEntry(), count: Self.tlbEntries)
        writeTLB.update(repeating: TLBEntry(), count: Self.tlbEntries)
    }
}

/// A device that answers loads and stores in a physical address range.
public protocol MemoryMappedDevice: AnyObject {
    func read(offset: UInt64, size: Int) -> UInt64
    func write(offset: UInt64, size: Int, value: UInt64)
}
