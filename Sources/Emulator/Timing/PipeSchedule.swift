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
    /// The dispatch cycle from which `forget(behind:)` has a word to forget: `(baseWord + 2) * 64`.
    private var forgetThreshold: UInt64 = 128

    init(pipeCount: Int, storage: TimingStorage) {
        self.pipeCount = pipeCount
        // One more row than pipes: a row that is never busy, for absent groups of a direct placement.
        bits = storage.words((pipeCount + 1) * Self.wordsPerPipe)
    }

    /// Forgets the cycles more than 64 before `dispatch` (whole words): nothing dispatched from
    /// then on issues before them. (The same as `forget(before: dispatch > 64 ? dispatch - 64 : 0)`.)
    @inline(__always)
    mutating func forget(behind dispatch: UInt64) {
        if dispatch >= forgetThreshold { forget(before: dispatch &- 64) }
    }

    /// Forgets cycles before `cycle`: nothing issues before it any more.
    @inline(never)
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
        forgetThreshold = (newBase &+ 2) &<< 6
    }

    /// The occupancy word holding `cycle` for `pipe`.
    @inline(__always)
    private func word(_ pipe: Int, _ cycle: UInt64) -> UInt64 {
        bits[pipe &* Self.wordsPerPipe &+ Int(truncatingIfNeeded: (cycle &>> 6) & UInt64(Self.wordsPerPipe - 1))]
    }

    /// The bits of cycles `cycle ..< cycle + count` within `cycle`'s word (`count` ≤ 64 − cycle % 64).
    @inline(__always)
    private static func span(from cycle: UInt64, count: UInt64) -> UInt64 {
        let ones: UInt64 = count >= 64 ? ~0 : (1 &<< count) &- 1
        return ones &<< (cycle & 63)
    }

    /// Whether `pipe` is free in every cycle of `cycle ..< cycle + span` before the horizon `limit`.
    @inline(__always)
    private func isFree(_ pipe: Int, from cycle: UInt64, for span: UInt8, limit: UInt64) -> Bool {
        var c = cycle
        let end = min(cycle &+ UInt64(span), limit)
        while c < end {
            let count = min(end &- c, 64 &- (c & 63))
            if word(pipe, c) & Self.span(from: c, count: count) != 0 { return false }
            c &+= count
        }
        return true
    }

    /// Marks `pipe` busy in `cycle ..< cycle + span` before the horizon `limit`.
    @inline(__always)
    private mutating func mark(_ pipe: Int, from cycle: UInt64, for span: UInt8, limit: UInt64) {
        var c = cycle
        let end = min(cycle &+ UInt64(span), limit)
        while c < end {
            let count = min(end &- c, 64 &- (c & 63))
            bits[pipe &* Self.wordsPerPipe &+ Int(truncatingIfNeeded: (c &>> 6) & UInt64(Self.wordsPerPipe - 1))]
                |= Self.span(from: c, count: count)
            c &+= count
        }
    }

    /// Reserves the pipes of the class whose cost `cost` points at in the first cycle from
    /// `earliest` in which they are free, and returns that cycle (or the horizon's end, reserving
    /// nothing, when none is free before it). `earliest` must not precede the cycles still kept
    /// (the out-of-order model forgets only cycles well before its dispatch cycle, and nothing issues
    /// before it is dispatched).
    ///
    /// The first cycle is tried inline for classes placed directly (`PackedClassCost.placement`):
    /// from their pipes' occupancy words, a cycle suits when in each group one pipe (or every pipe,
    /// for a group that needs them all) is free, and each use takes the lowest-numbered pipe of its
    /// kinds free then, as the search would. Anything else continues in `reserveLater`.
    @inline(__always)
    mutating func reserve(_ cost: UnsafePointer<PackedClassCost>, earliest cycle: UInt64) -> UInt64 {
        let placement = cost.pointee.placement
        if placement == PackedClassCost.noPipes { return cycle }
        let limit = (baseWord &<< 6) &+ Self.horizon
        guard cycle < limit else { return cycle }
        let words = bits + Int(truncatingIfNeeded: (cycle &>> 6) & UInt64(Self.wordsPerPipe - 1))
        let bit: UInt64 = 1 &<< (cycle & 63)
        if placement == PackedClassCost.directOneUse {
            let r0 = Int(cost.pointee.directRows.0), r1 = Int(cost.pointee.directRows.1), r2 = Int(cost.pointee.directRows.2)
            let a = words[r0], b = words[r1], d = words[r2]
            if a & b & d & bit == 0 {
                words[a & bit == 0 ? r0 : b & bit == 0 ? r1 : r2] |= bit
                return cycle
            }
        } else if placement == PackedClassCost.direct {
            let rows = cost.pointee.directRows
            let a = words[Int(rows.0)], b = words[Int(rows.1)], d = words[Int(rows.2)]
            let e = words[Int(rows.3)], f = words[Int(rows.4)], g = words[Int(rows.5)]
            let all0 = cost.pointee.directNeedsAll0, all1 = cost.pointee.directNeedsAll1
            let busy = ((a | b | d) & all0) | ((a & b & d) & ~all0) | ((e | f | g) & all1) | ((e & f & g) & ~all1)
            if busy & bit == 0 {
                if all0 != 0 {
                    words[Int(rows.0)] |= bit; words[Int(rows.1)] |= bit; words[Int(rows.2)] |= bit
                } else {
                    words[Int(a & bit == 0 ? rows.0 : b & bit == 0 ? rows.1 : rows.2)] |= bit
                }
                if !cost.pointee.directSingleGroup {
                    if all1 != 0 {
                        words[Int(rows.3)] |= bit; words[Int(rows.4)] |= bit; words[Int(rows.5)] |= bit
                    } else {
                        words[Int(e & bit == 0 ? rows.3 : f & bit == 0 ? rows.4 : rows.5)] |= bit
                    }
                }
                return cycle
            }
        }
        return reserveLater(cost, from: cycle, limit: limit)
    }

    /// `reserve` past its first inline try: the same placement from `cycle` on, 64 cycles at a time
    /// for classes placed directly, else the search.
    @inline(never)
    private mutating func reserveLater(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        guard cost.pointee.placement != PackedClassCost.searched else {
            return reserveSearching(cost.pointee, from: cycle, limit: limit)
        }
        let useCount = Int(cost.pointee.useCount)
        let rows = cost.pointee.directRows
        let all0 = cost.pointee.directNeedsAll0, all1 = cost.pointee.directNeedsAll1
        let single = cost.pointee.directSingleGroup
        var c = cycle
        while true {
            let words = bits + Int(truncatingIfNeeded: (c &>> 6) & UInt64(Self.wordsPerPipe - 1))
            let a = words[Int(rows.0)], b = words[Int(rows.1)], d = words[Int(rows.2)]
            let first = ((a | b | d) & all0) | ((a & b & d) & ~all0)
            var suitable = ~first
            if !single {
                let e = words[Int(rows.3)], f = words[Int(rows.4)], g = words[Int(rows.5)]
                suitable &= ~(((e | f | g) & all1) | ((e & f & g) & ~all1))
            }
            var bit: UInt64 = 1 &<< (c & 63)
            // Usually the earliest cycle suits: testing it first (a well-predicted branch) keeps the
            // issue cycle off the data dependence on the occupancy words.
            if suitable & bit == 0 {
                let later = suitable &>> (c & 63)
                if later == 0 {
                    c = (c | 63) &+ 1
                    if c >= limit { return limit }
                    continue
                }
                c &+= UInt64(later.trailingZeroBitCount)
                if c >= limit { return limit }
                bit = 1 &<< (c & 63)
            }
            if useCount == 1 {
                // The lowest-numbered free pipe among the first group's (rows are in pipe order).
                let row = a & bit == 0 ? rows.0 : b & bit == 0 ? rows.1 : rows.2
                words[Int(row)] |= bit
                return c
            }
            var taken: UInt16 = 0
            var use = 0
            while use < useCount {
                var candidates = cost.pointee.pipeMask(use) & ~taken
                while candidates != 0 {
                    let pipe = Int(candidates.trailingZeroBitCount)
                    let index = pipe &* Self.wordsPerPipe
                    if words[index] & bit == 0 {
                        words[index] |= bit
                        taken |= 1 << UInt16(pipe)
                        break
                    }
                    candidates &= candidates &- 1
                }
                use &+= 1
            }
            return c
        }
    }

    /// `reserve` for classes that need the search: cycle by cycle from `cycle`, skipping cycles in
    /// which the first use finds no pipe free even for its first cycle.
    @inline(never)
    private mutating func reserveSearching(_ cost: PackedClassCost, from start: UInt64, limit: UInt64) -> UInt64 {
        let useCount = Int(cost.useCount)
        // One use busy for several cycles (a store pair, a divide): its lowest-numbered pipe free for
        // the whole span from the first cycle is what the search below would find first.
        if useCount == 1 {
            let span = cost.busyCycles.0
            var candidates = cost.pipes.0
            while candidates != 0 {
                let pipe = Int(candidates.trailingZeroBitCount)
                if isFree(pipe, from: start, for: span, limit: limit) {
                    mark(pipe, from: start, for: span, limit: limit)
                    return start
                }
                candidates &= candidates &- 1
            }
        }
        var cycle = start
        let firstMask = cost.pipes.0
        while cycle < limit {
            // The first use needs a pipe free at least in `cycle`: skip to the first such cycle.
            var allBusy: UInt64 = ~0
            var pipes = firstMask
            while pipes != 0 {
                allBusy &= word(Int(pipes.trailingZeroBitCount), cycle)
                pipes &= pipes &- 1
            }
            let free = ~allBusy &>> (cycle & 63)
            if free == 0 {
                cycle = (cycle | 63) &+ 1
                continue
            }
            cycle &+= UInt64(free.trailingZeroBitCount)
            if cycle >= limit { return limit }

            var chosen: (Int, Int, Int, Int) = (0, 0, 0, 0)
            var taken: UInt16 = 0
            var placed = 0
            while placed < useCount {
                var candidates = cost.pipeMask(placed) & ~taken
                var found = -1
                while candidates != 0 {
                    let pipe = candidates.trailingZeroBitCount
                    if isFree(pipe, from: cycle, for: cost.busy(placed), limit: limit) { found = pipe; break }
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
                if useCount > 0 { mark(chosen.0, from: cycle, for: cost.busy(0), limit: limit) }
                if useCount > 1 { mark(chosen.1, from: cycle, for: cost.busy(1), limit: limit) }
                if useCount > 2 { mark(chosen.2, from: cycle, for: cost.busy(2), limit: limit) }
                if useCount > 3 { mark(chosen.3, from: cycle, for: cost.busy(3), limit: limit) }
                return cycle
            }
            cycle &+= 1
        }
        return limit
    }
}
