/// Which issue pipes are busy in which cycles, for an out-of-order window.
///
/// One bit per pipe and cycle over a sliding horizon of 4096 cycles. Instructions are placed in
/// program order but may take any free cycle at or after their operands are ready, so a later
/// independent instruction fills a gap an earlier stalled one left, as an out-of-order issue
/// queue does (oldest first).
struct PipeSchedule {
    static let wordsPerPipe = 64
    static let horizon = UInt64(wordsPerPipe * 64)
    /// Words from one pipe's occupancy word to the next pipe's for the same 64 cycles: the pipes'
    /// words for a stretch of 64 cycles sit side by side, so a placement's three rows share a
    /// cache line and the stores it makes are adjacent. Laid out pipe by pipe (a row of 64 words
    /// each, 512 bytes apart) every stream ran slower in interleaved runs: cortex-a72 suite mix
    /// 88.4M -> 89.3M, mix loop 112.3M -> 115.2M, dependent adds 126.4M -> 131.7M, independent adds
    /// 97.5M -> 102.5M, neoverse-n1 suite mix 76.2M -> 77.5M (medians), with the same host
    /// instructions (240.9 / 222.3 -> 240.8 / 222.4).
    static let pipeStride = 1
    /// Words from one 64-cycle occupancy word of a pipe to the next: room for the pipes and the
    /// never-busy row, padded to a power of two so that the offset is a shift.
    static let wordStride = 16

    /// The offset of the occupancy words holding cycle word `cycleWord` (cycle / 64), pipe 0's.
    @inline(__always)
    static func wordBase(_ cycleWord: UInt64) -> Int {
        Int(truncatingIfNeeded: cycleWord & UInt64(wordsPerPipe - 1)) &* wordStride
    }

    /// A pipe's offset from `wordBase`.
    @inline(__always)
    static func pipeOffset(_ pipe: Int) -> Int { pipe &* pipeStride }

    /// `words(pipeCount:)` words: a row per pipe and one more that is never busy, for absent groups
    /// of a direct placement (pipe `pipeCount`), interleaved by `wordBase` and `pipeOffset`; the
    /// `headerWords` before them hold the schedule's
    /// scalars (so that a model's loop reloads them where used rather than keeping them in registers).
    let bits: UnsafeMutablePointer<UInt64>
    /// Words before `bits` holding the scalars below.
    static let headerWords = 4
    /// Cycles before `baseWord * 64` are forgotten.
    private var baseWord: UInt64 {
        get { bits[-1] }
        nonmutating set { bits[-1] = newValue }
    }
    /// The dispatch cycle from which `forget(behind:)` has a word to forget: `(baseWord + 2) * 64`.
    private var forgetThreshold: UInt64 {
        get { bits[-2] }
        nonmutating set { bits[-2] = newValue }
    }
    /// The horizon: cycles from `baseWord * 64 + horizon` on are not reserved.
    private var limit: UInt64 {
        get { bits[-3] }
        nonmutating set { bits[-3] = newValue }
    }
    private var pipeCount: Int { Int(truncatingIfNeeded: bits[-4]) }

    /// A schedule of `pipeCount` pipes in `bits`, `words(pipeCount:)` zeroed words after
    /// `headerWords` that it initialises.
    init(pipeCount: Int, bits: UnsafeMutablePointer<UInt64>) {
        precondition(pipeCount + 1 <= Self.wordStride, "\(pipeCount) pipes and the free row do not fit a word's stride")
        self.bits = bits
        bits[-4] = UInt64(pipeCount)
        baseWord = 0
        forgetThreshold = 128
        limit = Self.horizon
    }

    /// The schedule whose header and rows were set up by `init` at `bits`.
    init(at bits: UnsafeMutablePointer<UInt64>) {
        self.bits = bits
    }

    /// The words a schedule of `pipeCount` pipes keeps its bits in.
    static func words(pipeCount: Int) -> Int { pipeOffset(pipeCount) + wordBase(UInt64(wordsPerPipe - 1)) + 1 }

    /// Forgets the cycles more than 64 before `dispatch` (whole words): nothing dispatched from
    /// then on issues before them. (The same as `forget(before: dispatch > 64 ? dispatch - 64 : 0)`.)
    @inline(__always)
    func forget(behind dispatch: UInt64) {
        if dispatch >= forgetThreshold { forget(before: dispatch &- 64) }
    }

    /// Forgets cycles before `cycle`: nothing issues before it any more.
    @inline(never)
    func forget(before cycle: UInt64) {
        let newBase = cycle >> 6
        let baseWord = self.baseWord, pipeCount = self.pipeCount
        guard newBase > baseWord else { return }
        if newBase - baseWord >= UInt64(Self.wordsPerPipe) {
            bits.update(repeating: 0, count: Self.words(pipeCount: pipeCount))
        } else {
            var word = baseWord
            while word < newBase {
                let slot = Self.wordBase(word)
                for pipe in 0..<pipeCount { bits[Self.pipeOffset(pipe) + slot] = 0 }
                word += 1
            }
        }
        self.baseWord = newBase
        forgetThreshold = (newBase &+ 2) &<< 6
        limit = (newBase &<< 6) &+ Self.horizon
    }

    /// The cycle from which nothing is reserved (`reserve` returns at it).
    var horizonEnd: UInt64 { limit }

    /// `pipe`'s busy bits for the 64 cycles from `cycle` (cycle `cycle` in bit 0), which must lie
    /// before `horizonEnd` (a run's memory of timing, `RunTimingMemo`, reads them as its key).
    @inline(__always)
    func window(_ pipe: Int, from cycle: UInt64) -> UInt64 {
        let low = word(pipe, cycle), high = word(pipe, cycle &+ 64)
        let shift = cycle & 63
        return (low &>> shift) | ((high &<< 1) &<< (63 &- shift))
    }

    /// Marks `pipe` busy in the cycles of `mask`, a window as `window(_:from:)` reads it.
    @inline(__always)
    func markWindow(_ pipe: Int, from cycle: UInt64, _ mask: UInt64) {
        let shift = cycle & 63
        wordAddress(pipe, cycle).pointee |= mask &<< shift
        wordAddress(pipe, cycle &+ 64).pointee |= (mask &>> 1) &>> (63 &- shift)
    }

    /// Where the occupancy word holding `cycle` for `pipe` is.
    @inline(__always)
    private func wordAddress(_ pipe: Int, _ cycle: UInt64) -> UnsafeMutablePointer<UInt64> {
        bits + (Self.pipeOffset(pipe) &+ Self.wordBase(cycle &>> 6))
    }

    /// The occupancy word holding `cycle` for `pipe`.
    @inline(__always)
    private func word(_ pipe: Int, _ cycle: UInt64) -> UInt64 {
        wordAddress(pipe, cycle).pointee
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
    private func mark(_ pipe: Int, from cycle: UInt64, for span: UInt8, limit: UInt64) {
        var c = cycle
        let end = min(cycle &+ UInt64(span), limit)
        while c < end {
            let count = min(end &- c, 64 &- (c & 63))
            wordAddress(pipe, c).pointee |= Self.span(from: c, count: count)
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
    func reserve(_ cost: UnsafePointer<PackedClassCost>, earliest cycle: UInt64) -> UInt64 {
        let placement = cost.pointee.placement
        let limit = self.limit
        guard cycle < limit else { return cycle }
        let words = bits + Self.wordBase(cycle &>> 6)
        let bit: UInt64 = 1 &<< (cycle & 63)
        // One-use placements first, classes without pipes after the other direct placements
        // (measured: cortex-a72 suite mix about 2% faster than testing for no pipes first).
        if _fastPath(placement | 1 == PackedClassCost.directOneUse) {
            // The group's first two rows (for a group of one or two pipes, all of it) are tried
            // inline; a third pipe is looked at out of line, only where neither is free. Three
            // rows loaded inline for every one-use class cost cortex-a72 4.4 host instructions
            // per guest instruction (mix loop), and the inline search of the third row more again.
            let r0 = cost.pointee.directRows.0, r1 = cost.pointee.directRows.1
            let a = words[Int(r0)], b = words[Int(r1)]
            let busy = a & b
            if _fastPath(busy & bit == 0) {
                Self.markFirstFree(words, r0, r1, a, b, bit)
                return cycle
            }
            if placement == PackedClassCost.directOneUse { return reserveOneUseThreeRows(cost, from: cycle, limit: limit) }
            let later = ~busy &>> (cycle & 63)
            guard later != 0 else { return reserveOneUseLater(cost, from: (cycle | 63) &+ 1, limit: limit) }
            let free = cycle &+ UInt64(later.trailingZeroBitCount)
            Self.markFirstFree(words, r0, r1, a, b, 1 &<< (free & 63))
            return free
        } else if placement == PackedClassCost.direct {
            let rows = cost.pointee.directRows
            let a = words[Int(rows.0)], b = words[Int(rows.1)], d = words[Int(rows.2)]
            let e = words[Int(rows.3)], f = words[Int(rows.4)], g = words[Int(rows.5)]
            let all0 = cost.pointee.directNeedsAll0, all1 = cost.pointee.directNeedsAll1
            let busy = Self.unsuitable(a, b, d, all: all0) | Self.unsuitable(e, f, g, all: all1)
            guard let (c, bit) = Self.firstFree(in: busy, from: cycle, bit: bit) else {
                return reserveLater(cost, from: (cycle | 63) &+ 1, limit: limit)
            }
            Self.mark(words, rows.0, rows.1, rows.2, a, b, d, all: all0, bit)
            if !cost.pointee.directSingleGroup { Self.mark(words, rows.3, rows.4, rows.5, e, f, g, all: all1, bit) }
            return c
        } else if placement == PackedClassCost.noPipes {
            return cycle
        } else if placement == PackedClassCost.spannedOneUse {
            return reserveSpannedOneUse(cost, from: cycle, limit: limit)
        }
        return reserveLater(cost, from: cycle, limit: limit)
    }

    /// `reserve` from `cycle` on (below `limit`) for a `directThreeGroups` class: as the inline
    /// `direct` placement does for two groups, 64 cycles at a time, with the third group's rows
    /// (`directRows2`, `directNeedsAll2`) beside the first two. Every use is busy for one cycle.
    /// Such classes were searched cycle by cycle before (measured, suite mix on neoverse-n1, whose
    /// stores with writeback use an address, a data and an integer pipe: host instructions per guest
    /// instruction 241.1 -> 229.4).
    @inline(never)
    private func reserveThreeGroups(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        let rows = cost.pointee.directRows, third = cost.pointee.directRows2
        let all0 = cost.pointee.directNeedsAll0, all1 = cost.pointee.directNeedsAll1, all2 = cost.pointee.directNeedsAll2
        var c = cycle
        while c < limit {
            let words = bits + Self.wordBase(c &>> 6)
            let a = words[Int(rows.0)], b = words[Int(rows.1)], d = words[Int(rows.2)]
            let e = words[Int(rows.3)], f = words[Int(rows.4)], g = words[Int(rows.5)]
            let h = words[Int(third.0)], i = words[Int(third.1)], j = words[Int(third.2)]
            let busy = Self.unsuitable(a, b, d, all: all0) | Self.unsuitable(e, f, g, all: all1)
                | Self.unsuitable(h, i, j, all: all2)
            let later = ~busy &>> (c & 63)
            if later != 0 {
                c &+= UInt64(later.trailingZeroBitCount)
                let bit: UInt64 = 1 &<< (c & 63)
                Self.mark(words, rows.0, rows.1, rows.2, a, b, d, all: all0, bit)
                Self.mark(words, rows.3, rows.4, rows.5, e, f, g, all: all1, bit)
                Self.mark(words, third.0, third.1, third.2, h, i, j, all: all2, bit)
                return c
            }
            c = (c | 63) &+ 1
        }
        return limit
    }

    /// `reserve` by the search alone, whatever the class's placement: what the direct placements
    /// must agree with, cycle for cycle and bit for bit (for tests).
    func reserveBySearch(_ cost: PackedClassCost, earliest cycle: UInt64) -> UInt64 {
        let limit = self.limit
        guard cost.useCount > 0, cycle < limit else { return cycle }
        return reserveSearching(cost, from: cycle, limit: limit)
    }

    /// The first cycle from `cycle` (whose bit in its word is `bit`) that is clear in `busy` (the
    /// word's busy cycles), with its bit; nil when none is left in the word (the horizon ends on a
    /// word boundary, so the caller goes on from the next word). Whether `cycle` itself is free is a
    /// branch: when it is (most placements), the result does not wait for the search.
    @inline(__always)
    private static func firstFree(in busy: UInt64, from cycle: UInt64, bit: UInt64) -> (cycle: UInt64, bit: UInt64)? {
        if busy & bit == 0 { return (cycle, bit) }
        let later = ~busy &>> (cycle & 63)
        guard later != 0 else { return nil }
        let free = cycle &+ UInt64(later.trailingZeroBitCount)
        return (free, 1 &<< (free & 63))
    }

    /// The cycles of a word in which a group of rows whose words are `a`, `b` and `d` cannot take a
    /// use: where any of them is busy for a group that needs all its pipes (`all` is all ones),
    /// else where all of them are.
    @inline(__always)
    private static func unsuitable(_ a: UInt64, _ b: UInt64, _ d: UInt64, all: UInt64) -> UInt64 {
        ((a | b | d) & all) | ((a & b & d) & ~all)
    }

    /// Marks `bit` in a group's rows: all three for a group that needs all its pipes (`all` not
    /// zero), else the first whose word has it clear (`markFirstFree`).
    @inline(__always)
    private static func mark(_ words: UnsafeMutablePointer<UInt64>, _ r0: UInt16, _ r1: UInt16, _ r2: UInt16,
                             _ a: UInt64, _ b: UInt64, _ d: UInt64, all: UInt64, _ bit: UInt64) {
        if all != 0 {
            words[Int(r0)] |= bit; words[Int(r1)] |= bit; words[Int(r2)] |= bit
        } else {
            markFirstFree(words, r0, r1, r2, a, b, d, bit)
        }
    }

    /// Marks `bit` in the first of three rows whose word (`a`, `b`, `d`, as loaded) has it clear.
    ///
    /// All three words are stored, the unchosen unchanged, so the stores' addresses are known
    /// before the choice is: the next placement's loads of these words then wait for the data
    /// instead of being issued past a store whose address is unknown and replayed (measured: the
    /// mix loop 86M -> 89M instructions/s against one read-modify-write of the chosen row). Stored
    /// last to first, so where rows repeat a pipe the chosen (earlier) row's value is the one kept.
    @inline(__always)
    private static func markFirstFree(_ words: UnsafeMutablePointer<UInt64>, _ r0: UInt16, _ r1: UInt16, _ r2: UInt16,
                                      _ a: UInt64, _ b: UInt64, _ d: UInt64, _ bit: UInt64) {
        let freeA = a & bit == 0, freeB = b & bit == 0
        words[Int(r2)] = !freeA && !freeB ? d | bit : d
        words[Int(r1)] = !freeA && freeB ? b | bit : b
        words[Int(r0)] = freeA ? a | bit : a
    }

    /// `reserve` for a `directOneUse` class (a group of three pipes) whose first two pipes are not
    /// both free at `cycle`, out of line.
    @inline(never)
    private func reserveOneUseThreeRows(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        let words = bits + Self.wordBase(cycle &>> 6)
        let r0 = cost.pointee.directRows.0, r1 = cost.pointee.directRows.1, r2 = cost.pointee.directRows.2
        let a = words[Int(r0)], b = words[Int(r1)], d = words[Int(r2)]
        guard let (c, bit) = Self.firstFree(in: a & b & d, from: cycle, bit: 1 &<< (cycle & 63)) else {
            return reserveOneUseLater(cost, from: (cycle | 63) &+ 1, limit: limit)
        }
        Self.markFirstFree(words, r0, r1, r2, a, b, d, bit)
        return c
    }

    /// Marks `bit` in the first of two rows whose word (`a`, `b`, as loaded) has it clear, as the
    /// three-row form does (both stored; where the rows are one pipe's, the first store is the one
    /// kept).
    @inline(__always)
    private static func markFirstFree(_ words: UnsafeMutablePointer<UInt64>, _ r0: UInt16, _ r1: UInt16,
                                      _ a: UInt64, _ b: UInt64, _ bit: UInt64) {
        let freeA = a & bit == 0
        words[Int(r1)] = freeA ? b : b | bit
        words[Int(r0)] = freeA ? a | bit : a
    }

    /// `reserve` from `cycle` on (below `limit`) for a `directOneUse` or `directOneUseTwoRows` class: 64 cycles at a time,
    /// as `reserveLater` would, without its cases for spans, groups that need all their pipes and
    /// second groups. It scans each word itself rather than through `firstFree`, whose test of the
    /// first cycle only pays where that cycle is usually free (measured through `firstFree`:
    /// independent adds about 2.5% slower).
    @inline(never)
    private func reserveOneUseLater(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        let r0 = cost.pointee.directRows.0, r1 = cost.pointee.directRows.1, r2 = cost.pointee.directRows.2
        var c = cycle
        while c < limit {
            let words = bits + Self.wordBase(c &>> 6)
            let a = words[Int(r0)], b = words[Int(r1)], d = words[Int(r2)]
            let later = ~(a & b & d) &>> (c & 63)
            if later != 0 {
                c &+= UInt64(later.trailingZeroBitCount)
                Self.markFirstFree(words, r0, r1, r2, a, b, d, 1 &<< (c & 63))
                return c
            }
            c = (c | 63) &+ 1
        }
        return limit
    }

    /// `reserve` from `cycle` on (below `limit`) for a `spannedOneUse` class: 64 cycles at a time,
    /// as `reserveLater` would, without its cases for groups that need all their pipes and second
    /// groups, and with the first cycle tried alone (`reserveFirst`). Store pairs take this path (measured, suite mix
    /// on cortex-a72: host instructions per guest instruction 252.6 -> 245.8).
    @inline(never)
    private func reserveSpannedOneUse(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        let rows = cost.pointee.directRows
        let r0 = Int(rows.0), r1 = Int(rows.1), r2 = Int(rows.2)
        let span = cost.pointee.directSpan0
        let count = UInt64(span)
        let ones: UInt64 = count >= 64 ? ~0 : (1 &<< count) &- 1
        // One group of one use: no pipes that must all be free, no second group.
        if let first = reserveFirst(rows, 0, 0, span, 1, true, at: cycle) { return first }
        var c = cycle
        while c < limit {
            let word = c &>> 6
            let words = bits + Self.wordBase(word)
            let nextWords = bits + Self.wordBase(word &+ 1)
            // Cycles from the horizon on count as free (and are never marked).
            let hasNext = (word &+ 1) &<< 6 < limit
            // A group of fewer than three pipes repeats its last row: smeared once.
            @inline(__always)
            func busy(_ row: Int) -> UInt64 { Self.smear(words[row], hasNext ? nextWords[row] : 0, span: span) }
            let a = busy(r0)
            let b = r1 == r0 ? a : busy(r1)
            let d = r2 == r1 ? b : busy(r2)
            let later = ~(a & b & d) &>> (c & 63)
            if later != 0 {
                c &+= UInt64(later.trailingZeroBitCount)
                let offset = c & 63, bit: UInt64 = 1 &<< offset
                let row = a & bit == 0 ? r0 : b & bit == 0 ? r1 : r2
                words[row] |= ones &<< offset
                if offset &+ count > 64 && hasNext { nextWords[row] |= ones &>> (64 &- offset) }
                return c
            }
            c = (c | 63) &+ 1
        }
        return limit
    }

    /// Cycles `c` of a word in which a pipe is busy at some cycle of `c ..< c + span`, from the
    /// pipe's word `low` and the next word `high` (0 past the horizon, where nothing is reserved).
    @inline(__always)
    private static func smear(_ low: UInt64, _ high: UInt64, span: UInt8) -> UInt64 {
        // Two cycles, as for store pairs, the commonest span: without the loop.
        if span == 2 { return low | (low &>> 1) | (high &<< 63) }
        var low = low, high = high
        var covered: UInt64 = 1
        let span = UInt64(span)
        while covered < span {
            let step = min(covered, span &- covered)
            low |= (low &>> step) | (high &<< (64 &- step))
            high |= high &>> step
            covered &+= step
        }
        return low
    }

    /// `reserve` from `cycle` on (below `limit`) for any placement: direct ones 64 cycles at a time,
    /// with the cycles each use is busy for (three groups in `reserveThreeGroups`), else the search.
    @inline(never)
    private func reserveLater(_ cost: UnsafePointer<PackedClassCost>, from cycle: UInt64, limit: UInt64) -> UInt64 {
        guard cost.pointee.placement != PackedClassCost.searched else {
            return cycle < limit ? reserveSearching(cost.pointee, from: cycle, limit: limit) : limit
        }
        // Tested here rather than inline, so that the classes placed inline pay nothing for it.
        if cost.pointee.placement == PackedClassCost.directThreeGroups { return reserveThreeGroups(cost, from: cycle, limit: limit) }
        let rows = cost.pointee.directRows
        let all0 = cost.pointee.directNeedsAll0, all1 = cost.pointee.directNeedsAll1
        let span0 = cost.pointee.directSpan0, span1 = cost.pointee.directSpan1
        let single = cost.pointee.directSingleGroup
        if cycle < limit, let first = reserveFirst(rows, all0, all1, span0, span1, single, at: cycle) { return first }
        var c = cycle
        while true {
            if c >= limit { return limit }
            let word = c &>> 6
            let words = bits + Self.wordBase(word)
            let nextWords = bits + Self.wordBase(word &+ 1)
            // Cycles from the horizon on count as free (and are never marked).
            let hasNext = (word &+ 1) &<< 6 < limit
            @inline(__always)
            func busy(_ row: UInt16, _ span: UInt8) -> UInt64 {
                let low = words[Int(row)]
                if span == 1 { return low }
                return Self.smear(low, hasNext ? nextWords[Int(row)] : 0, span: span)
            }
            let a = busy(rows.0, span0), b = busy(rows.1, span0), d = busy(rows.2, span0)
            var unsuitable = Self.unsuitable(a, b, d, all: all0)
            var e: UInt64 = 0, f: UInt64 = 0, g: UInt64 = 0
            if !single {
                e = busy(rows.3, span1); f = busy(rows.4, span1); g = busy(rows.5, span1)
                unsuitable |= Self.unsuitable(e, f, g, all: all1)
            }
            let later = ~unsuitable &>> (c & 63)
            if later == 0 {
                c = (c | 63) &+ 1
                continue
            }
            c &+= UInt64(later.trailingZeroBitCount)
            if c >= limit { return limit }
            let bit: UInt64 = 1 &<< (c & 63)
            @inline(__always)
            func mark(_ row: UInt16, _ span: UInt8) {
                let offset = c & 63
                let count = UInt64(span)
                let ones: UInt64 = count >= 64 ? ~0 : (1 &<< count) &- 1
                words[Int(row)] |= ones &<< offset
                if offset &+ count > 64 && hasNext { nextWords[Int(row)] |= ones &>> (64 &- offset) }
            }
            // Each use takes the lowest-numbered pipe of its kinds free for its cycles (rows are in
            // pipe order); a group that needs all its pipes takes them all.
            if all0 != 0 {
                mark(rows.0, span0); mark(rows.1, span0); mark(rows.2, span0)
            } else {
                mark(a & bit == 0 ? rows.0 : b & bit == 0 ? rows.1 : rows.2, span0)
            }
            if !single {
                if all1 != 0 {
                    mark(rows.3, span1); mark(rows.4, span1); mark(rows.5, span1)
                } else {
                    mark(e & bit == 0 ? rows.3 : f & bit == 0 ? rows.4 : rows.5, span1)
                }
            }
            return c
        }
    }

    /// `reserveLater`'s placement at `cycle` itself (below the horizon), when every use's cycles lie in
    /// its word and the class suits `cycle`; nil otherwise. Spans are tested bit for bit rather than
    /// smeared over the word: most placements that come here find their first cycle free (measured,
    /// suite mix on cortex-a72, where store pairs that write back their base come here: host instructions per
    /// guest instruction 245.8 -> 243.9).
    @inline(__always)
    private func reserveFirst(_ rows: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16), _ all0: UInt64, _ all1: UInt64,
                              _ span0: UInt8, _ span1: UInt8, _ single: Bool, at cycle: UInt64) -> UInt64? {
        let offset = cycle & 63
        guard offset &+ UInt64(max(span0, span1)) <= 64 else { return nil }
        let words = bits + Self.wordBase(cycle &>> 6)
        @inline(__always)
        func mask(_ span: UInt8) -> UInt64 { (span >= 64 ? ~0 : (1 &<< UInt64(span)) &- 1) &<< offset }
        /// The row a group takes (`nil`: none free), or -1 for a group that takes all its rows, all free.
        @inline(__always)
        func choice(_ r0: UInt16, _ r1: UInt16, _ r2: UInt16, all: UInt64, mask: UInt64) -> Int? {
            let a = words[Int(r0)] & mask, b = words[Int(r1)] & mask, d = words[Int(r2)] & mask
            if all != 0 { return a | b | d == 0 ? -1 : nil }
            return a == 0 ? Int(r0) : b == 0 ? Int(r1) : d == 0 ? Int(r2) : nil
        }
        let mask0 = mask(span0), mask1 = mask(span1)
        guard let first = choice(rows.0, rows.1, rows.2, all: all0, mask: mask0) else { return nil }
        var second = -2
        if !single {
            guard let chosen = choice(rows.3, rows.4, rows.5, all: all1, mask: mask1) else { return nil }
            second = chosen
        }
        if first < 0 {
            words[Int(rows.0)] |= mask0; words[Int(rows.1)] |= mask0; words[Int(rows.2)] |= mask0
        } else {
            words[first] |= mask0
        }
        if second == -1 {
            words[Int(rows.3)] |= mask1; words[Int(rows.4)] |= mask1; words[Int(rows.5)] |= mask1
        } else if second >= 0 {
            words[second] |= mask1
        }
        return cycle
    }

    /// `reserve` for classes that need the search: cycle by cycle from `cycle`, skipping cycles in
    /// which the first use finds no pipe free even for its first cycle.
    @inline(never)
    private func reserveSearching(_ cost: PackedClassCost, from start: UInt64, limit: UInt64) -> UInt64 {
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
