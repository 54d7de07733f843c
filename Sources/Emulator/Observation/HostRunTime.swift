import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host time `Machine.run` took and the guest instructions it retired, per timing mode
/// ("functional" or a profile's name), over every machine of the process: how fast the emulator
/// ran a whole workload as it was actually driven (short runs between hooks, observers, freshly
/// decoded code), where a benchmark measures one stream.
///
/// Each machine adds up its own runs (two clock reads per `run`) and hands its totals over when it
/// is deallocated or changes profile, so `processTotals()` covers machines that are gone.
public struct HostRunTime: Sendable, Equatable {
    /// Guest instructions retired.
    public var instructions: UInt64 = 0
    /// Host nanoseconds spent in `run`.
    public var nanoseconds: UInt64 = 0

    public init(instructions: UInt64 = 0, nanoseconds: UInt64 = 0) {
        self.instructions = instructions
        self.nanoseconds = nanoseconds
    }

    /// Guest instructions per host second (0 before any time was measured).
    public var instructionsPerSecond: Double {
        nanoseconds == 0 ? 0 : Double(instructions) / Double(nanoseconds) * 1e9
    }

    static func + (a: Self, b: Self) -> Self {
        HostRunTime(instructions: a.instructions &+ b.instructions, nanoseconds: a.nanoseconds &+ b.nanoseconds)
    }

    static func - (a: Self, b: Self) -> Self {
        HostRunTime(instructions: a.instructions &- b.instructions, nanoseconds: a.nanoseconds &- b.nanoseconds)
    }

    /// The totals of machines already deallocated (or moved to another profile), by mode.
    private static let released = Mutex<[String: HostRunTime]>([:])

    /// Every deallocated machine's runs, by timing mode. Machines still alive are not included:
    /// take a snapshot before and after a workload whose machines it releases, and subtract.
    public static func processTotals() -> [String: HostRunTime] {
        released.withLock { $0 }
    }

    /// The difference of two `processTotals()` snapshots, modes without new runs left out.
    public static func difference(_ after: [String: HostRunTime], _ before: [String: HostRunTime]) -> [String: HostRunTime] {
        var result: [String: HostRunTime] = [:]
        for (mode, total) in after {
            let delta = total - (before[mode] ?? HostRunTime())
            if delta.instructions > 0 { result[mode] = delta }
        }
        return result
    }

    static func hand(_ totals: HostRunTime, mode: String) {
        guard totals.instructions > 0 || totals.nanoseconds > 0 else { return }
        released.withLock { $0[mode] = ($0[mode] ?? HostRunTime()) + totals }
    }

    /// A monotonic host clock in nanoseconds.
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

/// One machine's run times: functional runs, and timed runs of the profile it last ran.
struct MachineRunTimes {
    var functional = HostRunTime()
    var timed = HostRunTime()
    /// The profile `timed` belongs to.
    var timedProfile = ""

    /// Adds a run of `instructions` in `nanoseconds`, timed by the profile named `profile` (nil: functional).
    mutating func add(profile: String?, instructions: UInt64, nanoseconds: UInt64) {
        let run = HostRunTime(instructions: instructions, nanoseconds: nanoseconds)
        guard let profile else {
            functional = functional + run
            return
        }
        if profile != timedProfile {
            HostRunTime.hand(timed, mode: timedProfile)
            timed = HostRunTime()
            timedProfile = profile
        }
        timed = timed + run
    }

    /// Hands every total to the process's (when the machine goes away).
    func handOver() {
        HostRunTime.hand(functional, mode: "functional")
        HostRunTime.hand(timed, mode: timedProfile)
    }
}
