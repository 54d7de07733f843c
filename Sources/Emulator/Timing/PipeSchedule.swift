/// Which issue pipes are busy in which cycles, for an out-of-order window.
///
/// One bit per pipe and cycle over a sliding horizon of 4096 cycles. Instructions are placed in
/// program order but may take any free cycle at or after their operands are ready, so a later
/// independent instruction fills a gap an earlier stalled one left, as an out-of-order issue
/// queue does (oldest first).
struct PipeSchedule {
    static let wordsPerPipe = 64
    static let horizon = UInt64(wordsPerPipe * 64)

    private let bits: UnsafeMutablePointer<UInt64>
    private let pipeCount: Int
    /// Cycles before `baseWord * 64` are forgotten.
    private var baseWord: UInt64 = 0

    init(pipeCount: Int, storage: TimingStorage) {
        self.pipeCount = pipeCount
        bits = storage.words(pipeCount * Self.wordsPerPipe)
    }

    /// Forgets everything (a fresh pipeline).
    mutating func reset(at cycle: UInt64) {
        bits.update(repeating: 0, count: pipeCount * Self.wordsPerPipe)
        baseWord = cycle >> 6
    }

    /// Forgets cycles before `cycle`: nothing issues before it any more.
    @inline(__always)
    mutating func forget(before cycle: UInt64) {
        let newBase = cycle >> 6
        guard newBase > baseWord else { return }
        if newBase - baseWord >= UInt64(Self.wordsPerPipe) {
            bits.update(repeating: 0, count: pipeCount * Self.wordsPerPipe)
        } else {
            var word = baseWord
            while word < newBase {
                let slot = Int(word) & (Self.wordsPerPipe - 1)
                for pipe in 0..<pipeCount { bits[pipe * Self.wordsPerPipe + slot] = 0 }
                word += 1
            }
        }
        baseWord = newBase
    }

    @inline(__always)
    private func isFree(_ pipe: Int, from cycle: UInt64, for span: UInt8) -> Bool {
        let limit = (baseWord << 6) &+ Self.horizon
        var c = cycle
        let end = cycle &+ UInt64(span)
        while c < end && c < limit {
            let word = bits[pipe * Self.wordsPerPipe + Int((c >> 6) & UInt64(Self.wordsPerPipe - 1))]
            if word & (1 << (c & 63)) != 0 { return false }
            c += 1
        }
        return true
    }

    @inline(__always)
    private mutating func mark(_ pipe: Int, from cycle: UInt64, for span: UInt8) {
        let limit = (baseWord << 6) &+ Self.horizon
        var c = cycle
        let end = cycle &+ UInt64(span)
        while c < end && c < limit {
            bits[pipe * Self.wordsPerPipe + Int((c >> 6) & UInt64(Self.wordsPerPipe - 1))] |= 1 << (c & 63)
            c += 1
        }
    }

    /// The first cycle at or after `earliest` in which every pipe use of `cost` finds a distinct
    /// free pipe; the pipes are then marked busy.
    @inline(__always)
    mutating func reserve(_ cost: PackedClassCost, earliest: UInt64) -> UInt64 {
        let useCount = Int(cost.useCount)
        var cycle = max(earliest, baseWord << 6)
        if useCount == 0 { return cycle }
        let limit = (baseWord << 6) &+ Self.horizon
        while cycle < limit {
            var chosen: (Int, Int, Int, Int) = (0, 0, 0, 0)
            var taken: UInt16 = 0
            var placed = 0
            while placed < useCount {
                var candidates = cost.pipeMask(placed) & ~taken
                var found = -1
                while candidates != 0 {
                    let pipe = candidates.trailingZeroBitCount
                    if isFree(pipe, from: cycle, for: cost.busy(placed)) { found = pipe; break }
                    candidates &= candidates - 1
                }
                if found < 0 { break }
                taken |= 1 << UInt16(found)
                switch placed {
                case 0: chosen.0 = found
                case 1: chosen.1 = found
                case 2: chosen.2 = found
                default: chosen.3 = found
                }
                placed += 1
            }
            if placed == useCount {
                if useCount > 0 { mark(chosen.0, from: cycle, for: cost.busy(0)) }
                if useCount > 1 { mark(chosen.1, from: cycle, for: cost.busy(1)) }
                if useCount > 2 { mark(chosen.2, from: cycle, for: cost.busy(2)) }
                if useCount > 3 { mark(chosen.3, from: cycle, for: cost.busy(3)) }
                return cycle
            }
            cycle += 1
        }
        return cycle
    }
}
