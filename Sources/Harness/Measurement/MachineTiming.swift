import Emulator

/// The counters the harness reads at measurement points, whichever cycle model is running.
struct CounterSnapshot: Sendable, Equatable {
    var cycles: Double = 0
    var instructions: Double = 0
    var exceptions: Double = 0
    var branchMispredicts: Double = 0
    var returnMispredicts: Double = 0
    var cacheMisses: Double = 0

    static func + (left: CounterSnapshot, right: CounterSnapshot) -> CounterSnapshot {
        CounterSnapshot(cycles: left.cycles + right.cycles, instructions: left.instructions + right.instructions,
                        exceptions: left.exceptions + right.exceptions,
                        branchMispredicts: left.branchMispredicts + right.branchMispredicts,
                        returnMispredicts: left.returnMispredicts + right.returnMispredicts,
                        cacheMisses: left.cacheMisses + right.cacheMisses)
    }

    static func - (later: CounterSnapshot, earlier: CounterSnapshot) -> CounterSnapshot {
        CounterSnapshot(cycles: later.cycles - earlier.cycles, instructions: later.instructions - earlier.instructions,
                        exceptions: later.exceptions - earlier.exceptions,
                        branchMispredicts: later.branchMispredicts - earlier.branchMispredicts,
                        returnMispredicts: later.returnMispredicts - earlier.returnMispredicts,
                        cacheMisses: later.cacheMisses - earlier.cacheMisses)
    }

    var windowCounters: WindowCounters {
        WindowCounters(cycles: cycles, instructions: instructions, exceptions: exceptions,
                       branchMispredicts: branchMispredicts, returnMispredicts: returnMispredicts, cacheMisses: cacheMisses)
    }
}

extension CounterSnapshot {
    /// The model's counts as the harness reads them (the two caches' misses together).
    init(_ counters: TimingCounters) {
        self.init(cycles: Double(counters.cycles), instructions: Double(counters.instructions),
                  exceptions: Double(counters.exceptions), branchMispredicts: Double(counters.branchMispredicts),
                  returnMispredicts: Double(counters.returnMispredicts),
                  cacheMisses: Double(counters.instructionCacheMisses + counters.dataCacheMisses))
    }
}

/// Switches a machine between fast-forward and a CPU profile's timing, and reads its counters.
enum MachineTiming {
    /// The CPU profile names the machine can time with.
    static var profileNames: [String] { CPUProfile.all.map(\.name) }
    static var defaultProfile: String { CPUProfile.default.name }

    /// Functional, one cycle per instruction: for boot and set-up outside measured windows.
    static func fastForward(_ machine: Machine) {
        machine.timing = .functional
    }

    /// The named profile's full timing model, for measured windows.
    static func time(_ machine: Machine, profile: String) {
        guard let selected = CPUProfile.named(profile) else {
            preconditionFailure("suite resolution admits only known profiles, not \(profile)")
        }
        machine.timing = .profile(selected)
    }

    /// Returns the profile's predictors and caches to cold.
    static func resetCold(_ machine: Machine) {
        machine.resetMicroarchitecturalState()
    }

    static func snapshot(_ machine: Machine) -> CounterSnapshot {
        CounterSnapshot(machine.timingCounters)
    }
}
