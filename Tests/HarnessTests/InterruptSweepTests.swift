import GuestKernel
import Testing
@testable import Harness

/// The IRQ sweep accounts for every instruction of the call path once: walked where the IRQ was
/// taken, or counted as masked where it could not be.
@Suite struct InterruptSweepTests {
    static let environment = Result { try MeasurementEnvironment() }

    /// Instructions from the driver's call instruction to its return site with `mechanism` attached,
    /// counted here independently of the sweep.
    func pathLength(_ mechanism: Mechanism, workload: Workload) throws -> UInt64 {
        let kernel = try Self.environment.get().makeKernel()
        try kernel.attach(mechanism, handler: .count, to: workload)
        let driver = HookedCall(kernel: kernel)
        try driver.run(workload, count: 2, argument: ScenarioRunner.argument(for: workload), phase: "warm-up")
        var start: UInt64 = 0
        var end: UInt64 = 0
        driver.on(kernel.driverCallSite) { _ in start = kernel.machine.counters.instructions }
        driver.on(kernel.driverReturnSite) { _ in end = kernel.machine.counters.instructions }
        try driver.run(workload, count: 1, argument: ScenarioRunner.argument(for: workload), phase: "measured")
        return end - start
    }

    func sweep(_ mechanism: Mechanism) throws -> [WalkVerification] {
        try InterruptSweepRunner(environment: try Self.environment.get())
            .sweep(SweepSpec(mechanism: mechanism, handler: .count, workload: .nonleaf, cpu: HarnessProfiles.defaultName))
    }

    /// A BRK handler runs with IRQs masked, so every IRQ injected inside it is taken after its ERET,
    /// at one instruction: kprobe-xol's sweep used to count that one walk 312 times of 326.
    @Test(arguments: [Mechanism.kprobeXOL, .kretprobeBRK])
    func anIRQTakenLateIsWalkedOnceAndTheMaskedInstructionsAreCounted(_ mechanism: Mechanism) throws {
        let length = try pathLength(mechanism, workload: .nonleaf)
        let walks = try sweep(mechanism)
        let guest = try #require(walks.first { $0.walker == .guest })
        let masked = try #require(guest.masked)
        #expect(masked > 0, "a BRK path masks IRQs in its handler")
        #expect(UInt64(guest.total + masked) == length, "every instruction is walked once or counted as masked")
        #expect(walks.allSatisfy { $0.masked == masked && ($0.unavailable != nil || $0.total == guest.total) })
    }

    /// Where nothing masks IRQs, every instruction of the path is its own walk.
    @Test func aPathThatNeverMasksIRQsIsWalkedAtEveryInstruction() throws {
        let length = try pathLength(.ftraceArgs, workload: .nonleaf)
        let guest = try #require(try sweep(.ftraceArgs).first { $0.walker == .guest })
        #expect(guest.masked == 0)
        #expect(UInt64(guest.total) == length)
    }
}
