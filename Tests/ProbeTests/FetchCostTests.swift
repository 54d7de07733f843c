import DebugInfo
import Testing
@testable import Harness

/// Cost per fetched argument with the cycle model, kprobe (pt_regs) against fprobe (ftrace_regs).
@Suite(.enabled(if: ProbeTestGuest.hasDebugInfo, Comment(rawValue: ProbeTestGuest.skipReason)))
struct FetchCostTests {
    static let plan = FetchCostMeasurement.Plan(warmup: 2, measured: 4)

    @Test func theSameArgumentsOnAKprobeAndAnFprobe() throws {
        let environment = try MeasurementEnvironment()
        let comparison = try FetchCostMeasurement.comparePaths(
            function: "pb_wl_typed", arguments: FetchCostMeasurement.typedArguments, cpu: "cortex-a72", plan: Self.plan,
            environment: environment)
        for (cost, mechanism, registers) in [(comparison.kprobe, "kprobe-xol", "pt_regs"), (comparison.fprobe, "fprobe", "ftrace_regs")] {
            #expect(cost.mechanism == mechanism)
            #expect(cost.registers == registers)
            #expect(cost.window == "entry")
            #expect(cost.arguments == 6)
            #expect(cost.measuredCalls == 4)
            #expect(cost.withFetch.cycles > cost.withCount.cycles)
            #expect(cost.withFetch.instructions > cost.withCount.instructions)
            #expect(cost.withCount.cycles < cost.withEmptyRecord.cycles && cost.withEmptyRecord.cycles < cost.withFetch.cycles)
            #expect(cost.marginalCyclesPerArgument > 0 && cost.recordCycles > 0)
        }
        // The BRK path's window is the more expensive one before anything is fetched.
        #expect(comparison.kprobe.withCount.cycles > comparison.fprobe.withCount.cycles)
        #expect(comparison.kprobe.fetchOps == comparison.fprobe.fetchOps)
    }

    @Test func measurementsAreDeterministic() throws {
        let environment = try MeasurementEnvironment()
        let definitions = ["f pb_wl_typed obj->balance obj->label:string"]
        let first = try FetchCostMeasurement.measure(definitions: definitions, cpu: "cortex-a53", plan: Self.plan, environment: environment)
        let second = try FetchCostMeasurement.measure(definitions: definitions, cpu: "cortex-a53", plan: Self.plan, environment: environment)
        #expect(first == second)
    }

    @Test func returnProbesAreMeasuredInTheExitWindow() throws {
        let environment = try MeasurementEnvironment()
        let cost = try #require(try FetchCostMeasurement.measure(
            definitions: ["r pb_wl_typed $retval->status $retval->message:string"], cpu: "cortex-a72", plan: Self.plan,
            environment: environment).first)
        #expect(cost.window == "exit")
        #expect(cost.mechanism == "kretprobe-brk")
        #expect(cost.fetchCycles > 0)
    }

    @Test func aProbeInsideTheBodyCannotBeMeasuredInTheEntryWindow() throws {
        let environment = try MeasurementEnvironment()
        let error = try #require(throws: ProbeDefinitionError.self) {
            try FetchCostMeasurement.measure(definitions: ["p pb_wl_typed+12 %x0"], cpu: "cortex-a72", plan: Self.plan,
                                             environment: environment)
        }
        #expect(error.code == .costNeedsFunctionEntry)
        #expect(error.span == DefinitionSpan(start: 13, length: 3))
    }
}

/// Without libdw a definition that needs the guest's DWARF types is unavailable, not wrong; anything
/// else that stops a fetch cost is still an error (runs only need the guest image: the DWARF is injected).
@Suite struct FetchCostDebugInfoTests {
    static let plan = FetchCostMeasurement.Plan(warmup: 1, measured: 2)
    static let noLibDW: Result<DWARFProgram, Error> = .failure(DebugInfoError.libdwUnavailable(reason: "cannot load test"))

    @Test func aTypedDefinitionWithoutLibDWIsUnavailable() throws {
        let error = try #require(throws: FetchCostUnavailable.self) {
            try FetchCostMeasurement.measure(definitions: ["f pb_wl_typed obj->balance"], cpu: "cortex-a72", plan: Self.plan,
                                             environment: try MeasurementEnvironment(), debugInfo: Self.noLibDW)
        }
        #expect(error.definition == "f pb_wl_typed obj->balance")
        #expect(error.reason == "the parameter name 'obj' needs the guest's DWARF, which is unavailable: libdw is unavailable: cannot load test")
    }

    @Test func otherProblemsStayErrorsWithoutLibDW() throws {
        let environment = try MeasurementEnvironment()
        // DWARF missing for another reason than libdw: a failure.
        let noDWARF = try #require(throws: ProbeDefinitionError.self) {
            try FetchCostMeasurement.measure(definitions: ["f pb_wl_typed obj->balance"], cpu: "cortex-a72", plan: Self.plan,
                                             environment: environment,
                                             debugInfo: .failure(DebugInfoError.noDebugInfo(path: "guest.elf")))
        }
        #expect(noDWARF.code == .debugInfoUnavailable)
        // A definition whose cost cannot be measured, and one naming no function: failures, libdw or not.
        for (definition, code) in [("p pb_wl_typed+12 %x0", ProbeDefinitionError.Code.costNeedsFunctionEntry),
                                   ("p pb_no_such_function obj->balance", .unknownFunction)] {
            let error = try #require(throws: ProbeDefinitionError.self) {
                try FetchCostMeasurement.measure(definitions: [definition], cpu: "cortex-a72", plan: Self.plan,
                                                 environment: environment, debugInfo: Self.noLibDW)
            }
            #expect(error.code == code, "\(definition): \(error)")
        }
        // Untyped arguments need no DWARF: measured.
        let untyped = try FetchCostMeasurement.measure(definitions: ["p pb_wl_typed %x0 %x1"], cpu: "cortex-a72", plan: Self.plan,
                                                       environment: environment, debugInfo: Self.noLibDW)
        #expect(untyped.first?.arguments == 2)
    }
}

/// FetchCost's derived figures against numbers worked out by hand for a fixture (no guest needed).
@Suite struct FetchCostArithmeticTests {
    /// Per call: the count handler's window 1000 cycles / 300 instructions, the empty record's
    /// 1090 / 340, the fetch handler's `fetchCycles` / 420; six arguments.
    static func fixture(fetchCycles: Double = 1300, arguments: Int = 6) -> FetchCost {
        FetchCost(definition: "p pb_wl_typed a b c d e f", canonicalDefinition: "p:kprobes/p_pb_wl_typed_0 pb_wl_typed a b c d e f",
                  mechanism: "kprobe-xol", registers: "pt_regs", window: "entry", cpu: "cortex-a72", workload: "typed",
                  arguments: arguments, fetchOps: 12, measuredCalls: 4,
                  withFetch: WindowCounters(cycles: fetchCycles, instructions: 420),
                  withEmptyRecord: WindowCounters(cycles: 1090, instructions: 340),
                  withCount: WindowCounters(cycles: 1000, instructions: 300))
    }

    @Test func derivedFiguresOfAFixture() {
        let cost = Self.fixture()
        #expect(cost.fetchCycles == 300)                // 1300 - 1000
        #expect(cost.cyclesPerArgument == 50)           // 300 / 6
        #expect(cost.fetchInstructions == 120)          // 420 - 300
        #expect(cost.recordCycles == 90)                // 1090 - 1000
        #expect(cost.marginalCyclesPerArgument == 35)   // (1300 - 1090) / 6
    }

    @Test func noArgumentsGiveZeroPerArgumentFigures() {
        let cost = Self.fixture(arguments: 0)
        #expect(cost.fetchCycles == 300)
        #expect(cost.cyclesPerArgument == 0)
        #expect(cost.marginalCyclesPerArgument == 0)
    }

    @Test func kprobeToFprobeRatio() {
        // kprobe 50 cycles per argument (above); fprobe (1120 - 1000) / 6 = 20: 50 / 20 = 2.5.
        let comparison = FetchCostComparison(kprobe: Self.fixture(), fprobe: Self.fixture(fetchCycles: 1120))
        #expect(comparison.kprobeToFprobeRatio == 2.5)
        // An fprobe whose fetch costs nothing has no ratio.
        #expect(FetchCostComparison(kprobe: Self.fixture(), fprobe: Self.fixture(fetchCycles: 1000)).kprobeToFprobeRatio.isNaN)
    }
}
