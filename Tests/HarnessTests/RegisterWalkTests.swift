import GuestKernel
import Testing
@testable import Harness

/// Walks from the registers a handler is given (`regs-walk`), against the shadow call stack.
@Suite struct RegisterWalkTests {
    func walks(_ mechanism: Mechanism, _ workload: Workload = .nonleaf) throws -> [WalkVerification] {
        let runner = ScenarioRunner(environment: try SteadyStateTests.environment.get())
        let spec = ScenarioSpec(mechanism: mechanism, handler: .regsWalk, workload: workload, cpu: HarnessProfiles.defaultName)
        let plan = CallPlan(warmup: 2, measured: 2)
        let baseline = try runner.measureBaseline(workload: workload, cpu: spec.cpu, plan: plan)
        return try runner.measure(spec, baseline: baseline, plan: plan).walks
    }

    func walk(_ walks: [WalkVerification], _ point: WalkPoint, _ walker: Walker) throws -> WalkVerification {
        try #require(walks.first { $0.point == point && $0.walker == walker }, "\(point) \(walker)")
    }

    /// At entry the function has not saved its LR: following frame records from the set's x29
    /// skips exactly its caller, while a CFI walk of the same registers reads the caller from lr.
    @Test(arguments: [Mechanism.ftraceArgs, .kprobeXOL])
    func atEntryTheFrameRecordWalkSkipsTheCallerAndCFIFindsIt(_ mechanism: Mechanism) throws {
        let walks = try walks(mechanism)
        let plain = try walk(walks, .entryRegisters, .guest)
        #expect(plain.total == 5 && plain.missingFrame == plain.total, "\(plain)")
        let example = try #require(plain.examples.first)
        // The set's pc: the probed symbol for a BRK kprobe, the return into the body for ftrace.
        let entryPC = mechanism.usesBreakpoint ? "pb_wl_nonleaf" : "pb_wl_nonleaf+0x8"
        #expect(example.expected.first == entryPC && example.expected.dropFirst().first == "pb_driver_return_site",
                "\(example.expected)")
        #expect(example.actual == [example.expected[0]] + example.expected.dropFirst(2))
        let cfi = try walk(walks, .entryRegisters, .libdw)
        if cfi.unavailable == nil { #expect(cfi.correct == cfi.total && cfi.total == 5, "\(cfi)") }
        // Paths without an exit handler take no exit walks, and no reliable walk is taken from regs.
        #expect(!walks.contains { $0.point == .exitRegisters || ($0.point == .entryRegisters && $0.walker == .guestReliable) })
    }

    /// At exit the set's pc is the return address on a return hook, and the walk is exact, through
    /// recursion too (hooked return addresses recovered); fentry-fexit's set keeps the entry pc.
    @Test func atExitReturnHooksAreExactAndFentryKeepsTheEntryPC() throws {
        let fgraph = try walk(walks(.functionGraph, .recursive), .exitRegisters, .guest)
        #expect(fgraph.total > 0 && fgraph.correct == fgraph.total, "\(fgraph)")
        let fentry = try walk(walks(.fentryFexit), .exitRegisters, .guest)
        #expect(fentry.total == 5 && fentry.missingFrame == fentry.total, "\(fentry)")
        #expect(fentry.examples.first?.actual.first == "pb_wl_nonleaf+0x8")
    }
}
