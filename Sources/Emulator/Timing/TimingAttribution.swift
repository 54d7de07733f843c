/// Counts per symbol: every executed block's counter deltas charged to the symbol containing the
/// block's first instruction. A block never spans a branch, and while attribution is on it ends
/// before the next symbol or region boundary (`Charge.range`), so code that falls through from
/// one symbol into the next is charged to each for its own instructions. Blocks chain only within
/// that range, so everything one call of `executeBlocks` runs is one symbol's.
public final class TimingAttribution {
    /// The counts one symbol spent.
    public struct Entry: Sendable, Equatable {
        public let symbol: String
        public let counters: TimingCounters
    }

    /// Where a block starting at an address is charged, and where it and the blocks chained after
    /// it may run.
    struct Charge {
        /// The symbol's index in `totals`.
        var index: Int
        /// The addresses around the block's start that are charged alike: from the nearest address
        /// at or below it that may be charged to another symbol or region, up to the next.
        var range: ChainRange

        /// What the run loop uses without attribution: no limit on the blocks.
        static let unattributed = Charge(index: 0, range: .everywhere)
    }

    /// The name blocks outside every symbol are charged to.
    public static let unknownSymbol = "<unknown>"

    private let symbols: SymbolTable
    private let regions: [(name: String, range: Range<UInt64>)]
    private var names: [String] = []
    private var indexByName: [String: Int] = [:]
    private var totals: [TimingCounters] = []
    /// Charges by block start, direct-mapped: a hashed lookup per block cost more than the
    /// block's own timing. A miss (an empty or reused slot) looks the symbol up again.
    private var cachedBlocks = [UInt64](repeating: .max, count: TimingAttribution.cacheSlots)
    private var cachedCharges = [Charge](repeating: .unattributed, count: TimingAttribution.cacheSlots)
    private static let cacheSlots = 4096

    /// Charges to `symbols`, and code outside every symbol to the named `regions` it lies in (code
    /// the guest writes at run time, such as trampolines), else to `unknownSymbol`.
    public init(symbols: SymbolTable, regions: [(name: String, range: Range<UInt64>)] = []) {
        self.symbols = symbols
        self.regions = regions
    }

    /// Where a block starting at `blockStart` (or an exception taken before fetching there) is charged.
    @inline(__always)
    func charge(at blockStart: UInt64) -> Charge {
        let slot = Int(truncatingIfNeeded: blockStart >> 2) & (Self.cacheSlots - 1)
        if cachedBlocks[slot] == blockStart { return cachedCharges[slot] }
        let charge = lookUpCharge(at: blockStart)
        cachedBlocks[slot] = blockStart
        cachedCharges[slot] = charge
        return charge
    }

    /// Adds `delta` to what `charge`'s symbol spent.
    @inline(__always)
    func record(_ charge: Charge, delta: TimingCounters) {
        totals[charge.index] += delta
    }

    @inline(never)
    private func lookUpCharge(at address: UInt64) -> Charge {
        let name = symbols.symbol(containing: address)?.name
            ?? regions.first { $0.range.contains(address) }?.name ?? Self.unknownSymbol
        let index: Int
        if let existing = indexByName[name] {
            index = existing
        } else {
            names.append(name)
            index = names.count - 1
            indexByName[name] = index
            totals.append(TimingCounters())
        }
        // The name can change only at a symbol boundary or a region's bound.
        let regionBounds = regions.flatMap { [$0.range.lowerBound, $0.range.upperBound] }
        let lower = (regionBounds.filter { $0 <= address } + [symbols.boundary(atOrBelow: address)]).max() ?? 0
        let upper = (regionBounds.filter { $0 > address } + [symbols.nextBoundary(after: address)].compactMap { $0 }).min()
        return Charge(index: index, range: ChainRange(lower: lower, upper: upper ?? .max))
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
