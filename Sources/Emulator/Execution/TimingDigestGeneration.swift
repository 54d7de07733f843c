import Synchronization

/// A count that moves whenever timing digests that retired runs point at (`RetiredRun.instruction`)
/// may have changed: the machine's code pages advance it when a slot is decoded, seeded or
/// invalidated and when a page is made or freed; whoever hands a cycle model runs from digests of
/// its own advances it after changing them. A holder of a digest pointer that saw the count at some
/// value knows the digests behind it are unchanged while the count is (`RunTimingMemo`).
public enum TimingDigestGeneration {
    private static let count = Atomic<UInt64>(1)

    /// The present generation.
    @inline(__always)
    static var current: UInt64 { count.load(ordering: .relaxed) }

    /// Moves the generation on (before or after a change: readers compare only for equality).
    public static func advance() {
        count.wrappingAdd(1, ordering: .relaxed)
    }
}
