/// An L1 cache's tag array: set-associative, 64-byte lines, least-recently-used replacement.
///
/// Only tags are kept (the data lives in guest memory); an access reports hit or miss and fills
/// the line on a miss, evicting the way used longest ago.
struct CacheModel {
    private let tags: UnsafeMutablePointer<UInt64>
    private let lastUse: UnsafeMutablePointer<UInt64>
    private let ways: Int
    private let setMask: UInt64
    let lineShift: UInt64
    private var clock: UInt64 = 0
    /// The line looked up last and the entry holding it: it is still there (every lookup leaves its
    /// line in the cache; only `invalidate` and `reset` remove lines, and they forget this).
    private var lastLine: UInt64 = .max
    private var lastEntry = 0

    init(geometry: CacheGeometry, storage: TimingStorage) {
        let sets = geometry.sets
        precondition(sets > 0 && sets & (sets - 1) == 0, "cache sets must be a power of two")
        precondition(geometry.lineBytes & (geometry.lineBytes - 1) == 0, "cache lines must be a power of two")
        ways = geometry.ways
        setMask = UInt64(sets - 1)
        lineShift = UInt64(geometry.lineBytes.trailingZeroBitCount)
        tags = storage.words(sets * geometry.ways)
        lastUse = storage.words(sets * geometry.ways)
        reset()
    }

    /// Empties the cache.
    mutating func reset() {
        tags.update(repeating: 0, count: Int(setMask + 1) * ways)
        lastUse.update(repeating: 0, count: Int(setMask + 1) * ways)
        clock = 0
        lastLine = .max
    }

    /// The line number of `address`.
    @inline(__always)
    func line(of address: UInt64) -> UInt64 { address >> lineShift }

    /// Looks up the line holding `address`; on a miss fills it. Returns whether it hit.
    @inline(__always)
    mutating func access(_ address: UInt64) -> Bool {
        accessLine(address >> lineShift)
    }

    /// Looks up line `line`; on a miss fills it. Returns whether it hit.
    @inline(__always)
    mutating func accessLine(_ line: UInt64) -> Bool {
        clock &+= 1
        if line == lastLine {
            lastUse[lastEntry] = clock
            return true
        }
        lastLine = line
        let base = Int(line & setMask) * ways
        let tag = line &+ 1
        var victim = base
        var oldest = UInt64.max
        for way in base..<(base + ways) {
            if tags[way] == tag {
                lastUse[way] = clock
                lastEntry = way
                return true
            }
            if lastUse[way] < oldest {
                oldest = lastUse[way]
                victim = way
            }
        }
        tags[victim] = tag
        lastUse[victim] = clock
        lastEntry = victim
        return false
    }

    /// Drops the line holding `address`, if present (cache maintenance by address).
    mutating func invalidate(_ address: UInt64) {
        lastLine = .max
        let line = address >> lineShift
        let base = Int(line & setMask) * ways
        for way in base..<(base + ways) where tags[way] == line &+ 1 {
            tags[way] = 0
            lastUse[way] = 0
        }
    }
}
