import Emulator
import Testing

/// Address-to-symbol lookup names only addresses a symbol plausibly covers: a sized symbol its
/// bytes, a label (zero-size) up to the next symbol boundary or the end of its code.
@Suite("Symbol table")
struct SymbolTableTests {
    static let code: Range<UInt64> = 0x4008_0000..<0x4008_1000

    /// `_start` (a label), an assembler `.Ltmp1` label, `f` (sized) with a label `inner` in it,
    /// `g` (sized), and a final label `exit`.
    static let table = SymbolTable(entries: [
        .init(name: "_start", address: 0x4008_0000, size: 0, isFunction: false),
        .init(name: ".Ltmp1", address: 0x4008_0010, size: 0, isFunction: false),
        .init(name: "f", address: 0x4008_0020, size: 0x20, isFunction: true),
        .init(name: "inner", address: 0x4008_0030, size: 0, isFunction: false),
        .init(name: "g", address: 0x4008_0100, size: 0x10, isFunction: true),
        .init(name: "exit", address: 0x4008_0200, size: 0, isFunction: false),
        .init(name: "data", address: 0x4009_0000, size: 8, isFunction: false),
    ], code: [code])

    @Test("addresses inside symbols and after labels are named as before", arguments: [
        (UInt64(0x4008_0000), "_start"), (0x4008_0008, "_start+0x8"), (0x4008_0024, "f+0x4"),
        (0x4008_0034, "inner+0x4"), (0x4008_0108, "g+0x8"), (0x4008_0204, "exit+0x4"), (0x4008_0FFC, "exit+0xdfc"),
    ])
    func namedAddresses(address: UInt64, expected: String) {
        #expect(Self.table.describe(address) == expected)
    }

    @Test("an assembler .L label is never a name: the symbol before it is")
    func localLabelsAreSkipped() {
        #expect(Self.table.describe(0x4008_0014) == "_start+0x14", "not .Ltmp1+0x4")
        #expect(Self.table.entries.allSatisfy { !$0.name.hasPrefix(".L") })
        #expect(Self.table.symbol(named: ".Ltmp1")?.address == 0x4008_0010, "still found by name")
    }

    @Test("past a sized symbol, or past the end of the code, no label covers an address", arguments: [
        UInt64(0x4008_0040), // after f (and its label inner), before g
        0x4008_0110,         // after g, before exit
        0x4008_1000,         // the end of the code: not exit+0xe00
        0x5000_0200, 0x7FFF_FFFF_F000, .max,
    ])
    func uncoveredAddresses(address: UInt64) {
        #expect(Self.table.describe(address) == nil, "0x\(String(address, radix: 16)) named \(Self.table.describe(address) ?? "")")
    }

    @Test("a label at the same address as a sized function ends where the function does")
    func labelAliasingAFunction() {
        let table = SymbolTable(entries: [
            .init(name: "alias", address: 0x4008_0000, size: 0, isFunction: false),
            .init(name: "f", address: 0x4008_0000, size: 0x10, isFunction: true),
            .init(name: "g", address: 0x4008_0100, size: 0x10, isFunction: true),
        ], code: [Self.code])
        #expect(table.describe(0x4008_0004) == "f+0x4")
        #expect(table.describe(0x4008_0020) == nil, "not alias+0x20")
    }

    @Test("a sized symbol covers the rest of its range past a smaller one inside it, and nothing covers past both")
    func enclosingSymbols() {
        let table = SymbolTable(entries: [
            .init(name: "outer", address: 0x4008_0100, size: 0x100, isFunction: true),
            .init(name: "inner", address: 0x4008_0110, size: 0x10, isFunction: true),
            .init(name: "after", address: 0x4008_0300, size: 0x10, isFunction: true),
        ], code: [Self.code])
        #expect(table.describe(0x4008_0114) == "inner+0x4")
        #expect(table.describe(0x4008_0150) == "outer+0x50")
        #expect(table.describe(0x4008_0250) == nil)
        #expect(table.describe(0x4008_0304) == "after+0x4")
    }

    @Test("the boundaries around an address bound the addresses that are named as it is")
    func boundaries() {
        let table = Self.table
        #expect(table.nextBoundary(after: 0x4008_0000) == 0x4008_0020, "f, not .Ltmp1")
        #expect(table.nextBoundary(after: 0x4008_0024) == 0x4008_0030, "inner")
        #expect(table.nextBoundary(after: 0x4008_0030) == 0x4008_0040, "the end of f and inner")
        #expect(table.nextBoundary(after: 0x4008_0204) == 0x4008_1000, "the end of the code")
        #expect(table.nextBoundary(after: 0x4008_1000) == nil)
        #expect(table.boundary(atOrBelow: 0x4008_0034) == 0x4008_0030, "inner")
        #expect(table.boundary(atOrBelow: 0x4008_0030) == 0x4008_0030, "inner's start is its own")
        #expect(table.boundary(atOrBelow: 0x4008_0044) == 0x4008_0040, "the end of f and inner")
        #expect(table.boundary(atOrBelow: 0x4008_0014) == 0x4008_0000, "_start, not .Ltmp1")
        #expect(table.boundary(atOrBelow: 0x4007_FFFC) == 0, "below every symbol")
        let sweep = stride(from: UInt64(0x4007_FFF0), through: 0x4008_1010, by: 4)
        for address in sweep {
            let lower = table.boundary(atOrBelow: address), upper = table.nextBoundary(after: address) ?? .max
            let name = table.symbol(containing: address)?.name
            #expect(lower <= address && upper > address)
            let changed = stride(from: max(lower, 0x4007_FFF0), to: min(upper, 0x4008_1014), by: 4)
                .first { table.symbol(containing: $0)?.name != name }
            #expect(changed == nil, "0x\(String(address, radix: 16))")
        }
    }
}
