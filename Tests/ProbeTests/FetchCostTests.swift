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
            #expect(cost.cyclesPerArgument == (cost.withFetch.cycles - cost.withCount.cycles) / 6)
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
