/// An L1 cache's tag array: set-associative, 64-byte lines, least-recently-used replacement.
///
/// Only tags are kept (the data lives in guest memory); an access reports hit or miss and fills
/// the line on a miss, evicting the way used longest ago.
///
/// Each set also remembers the line it was last accessed for (its most recently used line, which
/// is still there: only `invalidate` and `reset` remove lines, and they forget it). An access to
/// that line changes nothing — it is already the most recent of its set, and use times are only
/// compared within a set — so it is answered from that one word.
struct CacheModel {
    private let tags: UnsafeMutablePointer<UInt64>
    private let lastUse: UnsafeMutablePointer<UInt64>
    /// Per set: the tag (line + 1) of the line accessed last, or 0.
    private let recentTags: UnsafeMutablePointer<UInt64>
    private let ways: Int
    private let setMask: UInt64
    /// Address bits within a line (`CacheGeometry.lineBytes` is 64).
    static let lineShift: UInt64 = 6
    private var clock: UInt64 = 0

    init(geometry: CacheGeometry, storage: TimingStorage) {
        let sets = geometry.sets
        precondition(sets > 0 && sets & (sets - 1) == 0, "cache sets must be a power of two")
        ways = geometry.ways
        setMask = UInt64(sets - 1)
        tags = storage.words(sets * geometry.ways)
        lastUse = storage.words(sets * geometry.ways)
        recentTags = storage.words(sets)
        reset()
    }

    /// Empties the cache.
    mutating func reset() {
        tags.update(repeating: 0, count: Int(setMask + 1) * ways)
        lastUse.update(repeating: 0, count: Int(setMask + 1) * ways)
        recentTags.update(repeating: 0, count: Int(setMask + 1))
        clock = 0
    }

    /// Looks up line `line`; on a miss fills it. Returns whether it hit.
    @inline(__always)
    mutating func accessLine(_ line: UInt64) -> Bool {
        if recentTags[Int(truncatingIfNeeded: line & setMask)] == line &+ 1 { return true }
        return accessSet(line)
    }

    /// Whether `line` is its set's most recently accessed line: an access to it would hit and
    /// change nothing.
    @inline(__always)
    func isMostRecent(_ line: UInt64) -> Bool {
        recentTags[Int(truncatingIfNeeded: line & setMask)] == line &+ 1
    }

    /// `accessLine` for a line that is not its set's most recent.
    @inline(never)
    private mutating func accessSet(_ line: UInt64) -> Bool {
        clock &+= 1
        let set = Int(truncatingIfNeeded: line & setMask)
        let base = set &* ways
        let tag = line &+ 1
        recentTags[set] = tag
        var victim = base
        var oldest = UInt64.max
        var way = base
        let end = base &+ ways
        while way < end {
            if tags[way] == tag {
                lastUse[way] = clock
                return true
            }
            if lastUse[way] < oldest {
                oldest = lastUse[way]
                victim = way
            }
            way &+= 1
        }
        tags[victim] = tag
        lastUse[victim] = clock
        return false
    }

    /// Drops the line holding `address`, if present (cache maintenance by address).
    mutating func invalidate(_ address: UInt64) {
        let line = address &>> Self.lineShift
        let set = Int(line & setMask)
        let base = set * ways
        for way in base..<(base + ways) where tags[way] == line &+ 1 {
            tags[way] = 0
            lastUse[way] = 0
        }
        if recentTags[set] == line &+ 1 { recentTags[set] = 0 }
    }
}
