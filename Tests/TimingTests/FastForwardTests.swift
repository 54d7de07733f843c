import Emulator
import Testing
import TestSupport

/// Functional fast-forward and timed windows alternate on one machine without losing state.
@Suite(.enabled(if: TimingProgram.isAvailable, Comment(rawValue: Toolchain.missingReason)))
struct FastForwardTests {
    @Test func switchingModesKeepsArchitecturalAndWarmState() throws {
        let block = try #require(AgreementCorpus.blocks.first { $0.name == "prologue-epilogue-two-pairs" })
        let (machine, loop) = try LoopBench(body: block.body + ["bl callee"], support: "callee:\n    ret\n")
            .makeMachine(profile: nil)
        let counterAtStart = machine[x: 28]

        // Fast-forward: the functional model counts one cycle per instruction.
        _ = try LoopBench.measure(machine: machine, loop: loop, warmUp: 0, iterations: 10)
        #expect(machine[x: 28] == counterAtStart - 10)
        #expect(machine.timingCounters.cycles == machine.timingCounters.instructions)

        // A timed window: cold first, then warm.
        machine.timing = .profile(.neoverseN1)
        let first = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 5).window
        #expect(first.instructionCacheMisses > 0)
        #expect(machine[x: 28] == counterAtStart - 15)

        // Back to fast-forward and into the window again: predictors and caches are still warm.
        machine.timing = .functional
        _ = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 10)
        machine.timing = .profile(.neoverseN1)
        let before = machine.timingCounters
        let again = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 5).window
        #expect(again.instructionCacheMisses == 0 && again.returnMispredicts == 0)
        #expect(machine.timingCounters.instructions == before.instructions + again.instructions)
        #expect(again.cycles < first.cycles)

        // Cold on demand.
        machine.resetMicroarchitecturalState()
        let cold = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 5).window
        #expect(cold.instructionCacheMisses > 0 && cold.cycles > again.cycles)
    }
}
