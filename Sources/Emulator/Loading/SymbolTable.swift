/// Address-to-symbol lookup over an image's symbols, for attribution, traces and the shadow call stack.
public struct SymbolTable: Sendable {
    /// A named address range.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var address: UInt64
        public var size: UInt64
        public var isFunction: Bool

        /// A symbol `name` at `address`, `size` bytes long (0 for a label).
        public init(name: String, address: UInt64, size: UInt64, isFunction: Bool) {
            self.name = name
            self.address = address
            self.size = size
            self.isFunction = isFunction
        }
    }

    /// Code symbols sorted by address (functions and labels in executable segments, but not the
    /// assembler's local `.L` labels).
    public let entries: [Entry]
    /// Where each entry's coverage ends: its size, or for a zero-size symbol (a label) the next
    /// symbol boundary above it or the end of its code range, whichever comes first.
    private let coverageEnds: [UInt64]
    /// The largest of `coverageEnds[0...i]`: below an index where it is at most an address, no
    /// entry covers that address, so a lookup stops there instead of scanning every entry.
    private let coverageReach: [UInt64]
    /// Every address at which `symbol(containing:)` may change, ascending: the entries' starts and
    /// coverage ends (between two neighbours the same entries lie at or below an address, and each
    /// covers it or not throughout).
    private let boundaries: [UInt64]
    private let byName: [String: Entry]
    /// Start addresses of functions (tail-branch targets that begin a new frame).
    public let functionStarts: Set<UInt64>

    /// The code symbols of `image`: those in its executable segments.
    public init(image: ELFImage) {
        self.init(entries: image.symbols.map { Entry(name: $0.name, address: $0.address, size: $0.size, isFunction: $0.kind == .function) },
                  code: image.segments.filter(\.isExecutable).map(\.range))
    }

    /// A table of `entries` that lie in `code` (any entry is found by name).
    public init(entries all: [Entry], code: [Range<UInt64>]) {
        var byName: [String: Entry] = [:]
        for entry in all where byName[entry.name] == nil || entry.isFunction { byName[entry.name] = entry }
        self.byName = byName
        // `.L` labels are the assembler's (patch-site NOPs, branch targets): naming an address
        // after one says nothing a reader can look up.
        let entries = all.filter { entry in !entry.name.hasPrefix(".L") && code.contains { $0.contains(entry.address) } }
            // At one address a function sorts after labels, so lookups (which take the last
            // symbol at or below an address) name the function.
            .sorted { ($0.address, $0.isFunction ? 1 : 0, $0.name) < ($1.address, $1.isFunction ? 1 : 0, $1.name) }
        // Sized symbols end where their size says; a label at the next boundary above it: the
        // start of the next symbol, the end of a sized one it lies in, or the end of its code.
        let sizedEnds: [UInt64?] = entries.map { entry in
            guard entry.size > 0 else { return nil }
            let (end, overflow) = entry.address.addingReportingOverflow(entry.size)
            return overflow ? .max : end
        }
        let startsAndSizedEnds = (entries.map(\.address) + sizedEnds.compactMap { $0 }).sorted()
        coverageEnds = entries.indices.map { index in
            if let end = sizedEnds[index] { return end }
            let address = entries[index].address
            let next = Self.count(atOrBelow: address, in: startsAndSizedEnds)
            let codeEnd = code.first { $0.contains(address) }?.upperBound ?? address
            return min(next < startsAndSizedEnds.count ? startsAndSizedEnds[next] : .max, codeEnd)
        }
        var reach: UInt64 = 0
        coverageReach = coverageEnds.map { end in
            reach = max(reach, end)
            return reach
        }
        self.entries = entries
        self.boundaries = Array(Set(entries.map(\.address) + coverageEnds)).sorted()
        functionStarts = Set(entries.filter(\.isFunction).map(\.address))
    }

    /// The symbol with this name (any kind), if present.
    public func symbol(named name: String) -> Entry? { byName[name] }

    /// The address of symbol `name`, if present.
    public func address(of name: String) -> UInt64? { byName[name]?.address }

    /// The innermost code symbol that covers `address`: a sized symbol must contain it, a label
    /// only reaches the next symbol boundary (a symbol's start or a sized one's end) or the end
    /// of its code.
    public func symbol(containing address: UInt64) -> Entry? {
        let atOrBelow = Self.count(atOrBelow: address, in: entries.lazy.map(\.address))
        // The nearest symbol at or below first; past its end, an enclosing (larger) one may cover it.
        for index in stride(from: atOrBelow - 1, through: 0, by: -1) {
            if address >= coverageReach[index] { return nil }
            if address < coverageEnds[index] { return entries[index] }
        }
        return nil
    }

    /// The lowest address above `address` at which `symbol(containing:)` may name another symbol
    /// (or none), nil if there is none: every address from `address` up to it has `address`'s answer.
    public func nextBoundary(after address: UInt64) -> UInt64? {
        let index = Self.count(atOrBelow: address, in: boundaries)
        return index < boundaries.count ? boundaries[index] : nil
    }

    /// The highest address at or below `address` from which `symbol(containing:)` gives
    /// `address`'s answer (0 if no boundary lies at or below it): with `nextBoundary(after:)`, the
    /// stretch of addresses that answer alike.
    public func boundary(atOrBelow address: UInt64) -> UInt64 {
        let index = Self.count(atOrBelow: address, in: boundaries)
        return index > 0 ? boundaries[index - 1] : 0
    }

    /// How many of the ascending `values` are at most `value` (a binary search).
    private static func count<Values: RandomAccessCollection<UInt64>>(atOrBelow value: UInt64, in values: Values) -> Int
    where Values.Index == Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// `symbol+0xoffset` for `address`, or nil if no symbol covers it.
    public func describe(_ address: UInt64) -> String? {
        guard let entry = symbol(containing: address) else { return nil }
        let offset = address - entry.address
        return offset == 0 ? entry.name : "\(entry.name)+0x\(String(offset, radix: 16))"
    }
}
