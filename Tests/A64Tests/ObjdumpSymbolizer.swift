/// Names addresses as llvm-objdump annotates branch and literal targets: `name` at a symbol's
/// address, `name+0x10` past it, using the nearest symbol at or below the address.
///
/// objdump also confines the search to the target's section and falls back to `.text+0x..`;
/// callers that want that give the section starts as symbols too.
struct ObjdumpSymbolizer: Sendable {
    private let addresses: [UInt64]
    private let names: [String]

    /// A table of `(name, address)` pairs in any order; of several symbols at one address the
    /// first given wins.
    init(_ symbols: [(name: String, address: UInt64)]) {
        let ordered = symbols.enumerated()
            .sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }
            .map(\.element)
        var sorted: [(name: String, address: UInt64)] = []
        sorted.reserveCapacity(ordered.count)
        for symbol in ordered where sorted.last?.address != symbol.address {
            sorted.append(symbol)
        }
        addresses = sorted.map(\.address)
        names = sorted.map(\.name)
    }

    /// `name` or `name+0x<offset>` for `address`, or nil when no symbol lies at or below it.
    func symbolize(_ address: UInt64) -> String? {
        // The last symbol whose address is not above `address`.
        var low = 0, high = addresses.count
        while low < high {
            let middle = (low + high) / 2
            if addresses[middle] <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let offset = address - addresses[low - 1]
        return offset == 0 ? names[low - 1] : names[low - 1] + "+0x" + String(offset, radix: 16)
    }
}
