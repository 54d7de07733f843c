import DebugInfo
import Synchronization

/// libdw unwinders for one ELF image, lent to one walk recorder at a time.
///
/// An unwinder's Dwfl session keeps its caches (the CFI search table, the symbols it looked up)
/// between walks; an unwinder per scenario started every scenario cold, and libdw's symbol lookup
/// alone scans the image's whole symbol table. Lent and given back, a few unwinders serve a whole
/// run, one per worker walking at the same time.
final class UnwinderPool: Sendable {
    let elfPath: String
    private let idle: Mutex<[DWARFUnwinder]>

    /// A pool for the ELF file at `elfPath`, holding `idle` unwinders of it to begin with.
    init(elfPath: String, idle: [DWARFUnwinder] = []) {
        self.elfPath = elfPath
        self.idle = Mutex(idle)
    }

    /// An unwinder for the lease's lifetime (a new one when none is idle), or nil if libdw cannot
    /// set one up.
    func lend() -> UnwinderLease? {
        if let unwinder = idle.withLock({ $0.popLast() }) { return UnwinderLease(unwinder, from: self) }
        guard let unwinder = try? DWARFUnwinder(elfPath: elfPath) else { return nil }
        return UnwinderLease(unwinder, from: self)
    }

    fileprivate func giveBack(_ unwinder: DWARFUnwinder) {
        idle.withLock { $0.append(unwinder) }
    }
}

/// An unwinder lent by an `UnwinderPool`, given back when the lease goes away.
final class UnwinderLease {
    let unwinder: DWARFUnwinder
    private let pool: UnwinderPool

    fileprivate init(_ unwinder: DWARFUnwinder, from pool: UnwinderPool) {
        self.unwinder = unwinder
        self.pool = pool
    }

    deinit { pool.giveBack(unwinder) }
}
