/// Address-to-symbol lookup over an image's symbols, for attribution, traces and the shadow call stack.
public struct SymbolTable: Sendable {
    /// A named address range.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var address: UInt64
        public var size: UInt64
        public var isFunction: Bool
    }

    /// Code symbols sorted by address (functions and labels in executable segments).
    public let entries: [Entry]
    private let byName: [String: Entry]
    /// Start addresses of functions (tail-branch targets that begin a new frame).
    public let functionStarts: Set<UInt64>

    public init(image: ELFImage) {
        let executable = image.segments.filter(\.isExecutable).map(\.range)
        let all = image.symbols.map { Entry(name: $0.name, address: $0.address, size: $0.size, isFunction: $0.kind == .function) }
        var byName: [String: Entry] = [:]
        for entry in all where byName[entry.name] == nil || entry.isFunction { byName[entry.name] = entry }
        self.byName = byName
        entries = all.filter { entry in executable.contains { $0.contains(entry.address) } }
            // At one address a function sorts after labels, so lookups (which take the last
            // symbol at or below an address) name the function.
            .sorted { ($0.address, $0.isFunction ? 1 : 0, $0.name) < ($1.address, $1.isFunction ? 1 : 0, $1.name) }
        functionStarts = Set(entries.filter(\.isFunction).map(\.address))
    }

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.address < $1.address }
        byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        functionStarts = Set(entries.filter(\.isFunction).map(\.address))
    }

    /// The symbol with this name (any kind), if present.
    public func symbol(named name: String) -> Entry? { byName[name] }

    /// The address of symbol `name`, if present.
    public func address(of name: String) -> UInt64? { byName[name]?.address }

    /// The innermost code symbol at or below `address` that covers it (sized symbols must contain it).
    public func symbol(containing address: UInt64) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].address <= address { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        while index >= 0 {
            let entry = entries[index]
            if entry.size == 0 || address < entry.address &+ entry.size { return entry }
            // A sized symbol that ends before `address`: an earlier one cannot cover it either
            // unless it is larger; keep looking for an enclosing function.
            if entry.isFunction && entry.size > 0 && address >= entry.address &+ entry.size {
                index -= 1
                continue
            }
            index -= 1
        }
        return nil
    }

    /// `symbol+0xoffset` for `address`, or nil if no symbol covers it.
    public func describe(_ address: UInt64) -> String? {
        guard let entry = symbol(containing: address) else { return nil }
        let offset = address - entry.address
        return offset == 0 ? entry.name : "\(entry.name)+0x\(String(offset, radix: 16))"
    }
}
