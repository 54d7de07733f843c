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
    private var indexByBlock: [UInt64: Int] = [:]

    /// Charges to `symbols`, and code outside every symbol to the named `regions` it lies in (code
    /// the guest writes at run time, such as trampolines), else to `unknownSymbol`.
    public init(symbols: SymbolTable, regions: [(name: String, range: Range<UInt64>)] = []) {
        self.symbols = symbols
        self.regions = regions
    }

    /// Charges `delta` to the symbol containing `blockStart`.
    func record(blockStart: UInt64, delta: TimingCounters) {
        let index: Int
        if let known = indexByBlock[blockStart] {
            index = known
        } else {
            let name = symbols.symbol(containing: blockStart)?.name
                ?? regions.first { $0.range.contains(blockStart) }?.name ?? Self.unknownSymbol
            if let existing = indexByName[name] {
                index = existing
            } else {
                index = names.count
                names.append(name)
                indexByName[name] = index
                totals.append(TimingCounters())
            }
            indexByBlock[blockStart] = index
        }
        totals[index] += delta
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
