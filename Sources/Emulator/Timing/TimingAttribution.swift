/// Counts per symbol: every executed block's counter deltas charged to the symbol containing the
/// block's first instruction (blocks never span a branch, so a block lies in one function unless
/// code falls through from one symbol into the next).
public final class TimingAttribution {
    /// The counts one symbol spent.
    public struct Entry: Sendable, Equatable {
        public let symbol: String
        public let counters: TimingCounters
    }

    /// The name blocks outside every symbol are charged to.
    public static let unknownSymbol = "<unknown>"

    private let symbols: SymbolTable
    private let regions: [(name: String, range: Range<UInt64>)]
    private var names: [String] = []
    private var indexByName: [String: Int] = [:]
    private var totals: [TimingCounters] = []
    /// Symbol index by block start, direct-mapped: a hashed lookup per block cost more than the
    /// block's own timing. A miss (an empty or reused slot) looks the symbol up again.
    private var cachedBlocks = [UInt64](repeating: .max, count: TimingAttribution.cacheSlots)
    private var cachedIndices = [Int](repeating: 0, count: TimingAttribution.cacheSlots)
    private static let cacheSlots = 4096

    /// Charges to `symbols`, and code outside every symbol to the named `regions` it lies in (code
    /// the guest writes at run time, such as trampolines), else to `unknownSymbol`.
    public init(symbols: SymbolTable, regions: [(name: String, range: Range<UInt64>)] = []) {
        self.symbols = symbols
        self.regions = regions
    }

    /// Charges `delta` to the symbol containing `blockStart`.
    func record(blockStart: UInt64, delta: TimingCounters) {
        let slot = Int(truncatingIfNeeded: blockStart >> 2) & (Self.cacheSlots - 1)
        let index: Int
        if cachedBlocks[slot] == blockStart {
            index = cachedIndices[slot]
        } else {
            index = symbolIndex(of: blockStart)
            cachedBlocks[slot] = blockStart
            cachedIndices[slot] = index
        }
        totals[index] += delta
    }

    @inline(never)
    private func symbolIndex(of address: UInt64) -> Int {
        let name = symbols.symbol(containing: address)?.name
            ?? regions.first { $0.range.contains(address) }?.name ?? Self.unknownSymbol
        if let existing = indexByName[name] { return existing }
        names.append(name)
        indexByName[name] = names.count - 1
        totals.append(TimingCounters())
        return names.count - 1
    }

    /// Every symbol charged so far, most cycles first.
    public var entries: [Entry] {
        names.indices.map { Entry(symbol: names[$0], counters: totals[$0]) }
            .sorted { ($0.counters.cycles, $1.symbol) > ($1.counters.cycles, $0.symbol) }
    }

    /// The counts charged to `symbol` (zero if none).
    public func counters(for symbol: String) -> TimingCounters {
        indexByName[symbol].map { totals[$0] } ?? TimingCounters()
    }

    /// The totals at one moment, to subtract from a later one: a window's counts per symbol.
    public struct Snapshot: Sendable {
        /// Totals by symbol index; symbols charged for the first time later are missing (zero).
        fileprivate let totals: [TimingCounters]
    }

    /// The totals now.
    public func snapshot() -> Snapshot {
        Snapshot(totals: totals)
    }

    /// The counts each symbol spent between two snapshots, most cycles first; symbols that spent
    /// nothing in between are left out.
    public func entries(from start: Snapshot, to end: Snapshot) -> [Entry] {
        end.totals.indices.compactMap { index -> Entry? in
            let before = index < start.totals.count ? start.totals[index] : TimingCounters()
            let delta = end.totals[index] - before
            return delta == TimingCounters() ? nil : Entry(symbol: names[index], counters: delta)
        }
        .sorted { ($0.counters.cycles, $1.symbol) > ($1.counters.cycles, $0.symbol) }
    }

    /// Starts counting from zero again.
    public func reset() {
        for index in totals.indices { totals[index] = TimingCounters() }
    }
}
