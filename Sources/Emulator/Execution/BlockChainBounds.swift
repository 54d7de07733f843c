/// Where `executeBlocks` may chain: it goes on into a block only where `contains` says so, and
/// runs at most `instructions(from:)` of any block, the first one too, leaving the rest to the
/// run loop.
///
/// A protocol so that `executeBlocks` is specialised for each kind: chaining anywhere then costs
/// nothing over not asking.
protocol BlockChainBounds {
    /// Whether a block starting at `pc` (a multiple of 4) may be chained into.
    func contains(_ pc: UInt64) -> Bool
    /// How many instructions from `pc` (a multiple of 4, contained) a chained block may run.
    func instructions(from pc: UInt64) -> UInt64
}

/// Chaining as far as the budget allows.
struct AnywhereInCode: BlockChainBounds {
    @inline(__always)
    func contains(_ pc: UInt64) -> Bool { true }
    @inline(__always)
    func instructions(from pc: UInt64) -> UInt64 { .max }
}

/// The code addresses from `lower` up to an end, within which blocks are charged to one symbol:
/// with attribution on, everything one call of `executeBlocks` runs is charged to one symbol.
struct ChainRange: BlockChainBounds {
    /// The lowest address a chained block may start at.
    let lower: UInt64
    /// The first instruction address (a multiple of 4) past the range.
    let end: UInt64

    /// The addresses from `lower` up to `upper` (exclusive; it need not be a multiple of 4).
    init(lower: UInt64, upper: UInt64) {
        self.lower = lower
        end = upper > UInt64.max - 3 ? UInt64.max & ~3 : (upper &+ 3) & ~3
    }

    /// Every address.
    static let everywhere = ChainRange(lower: 0, upper: .max)

    @inline(__always)
    func contains(_ pc: UInt64) -> Bool { pc &- lower < end &- lower }

    @inline(__always)
    func instructions(from pc: UInt64) -> UInt64 { (end &- pc) &>> 2 }
}
