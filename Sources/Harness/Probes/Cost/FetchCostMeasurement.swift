import DebugInfo
import Emulator
import GuestKernel

/// Measures the cost per fetched argument of probe definitions with the CPU profile's cycle model:
/// for each definition, on a fresh guest each time, the average call window (entry for entry
/// probes, exit for return probes) with the `fetch` handler running the compiled program, minus
/// the same window with the `count` handler on the same mechanism, divided by the number of
/// arguments. A third measurement with a program that fetches nothing separates the record's
/// fixed cost from the marginal cost of each value. `p` definitions take the kprobe path (BRK, pt_regs), `f` definitions the fprobe
/// path (ftrace trampoline, ftrace_regs); ``comparePaths(function:arguments:cpu:plan:environment:)``
/// measures the same arguments on both.
///
/// ```swift
/// let environment = try MeasurementEnvironment()
/// let costs = try FetchCostMeasurement.measure(definitions: FetchCostMeasurement.typedDefinitions, cpu: "cortex-a72",
///                                              environment: environment)
/// for cost in costs { print(cost.mechanism, cost.registers, cost.cyclesPerArgument) }
/// ```
public enum FetchCostMeasurement {
    /// Warm-up and measured driver calls per handler kind.
    public struct Plan: Sendable, Equatable {
        public var warmup: Int
        public var measured: Int

        public init(warmup: Int = 8, measured: Int = 16) {
            self.warmup = max(0, warmup)
            self.measured = max(1, measured)
        }
    }

    /// The typed workload's arguments for the kprobe/fprobe comparison: two scalar parameters, a
    /// member of an anonymous union inside an anonymous struct, a bitfield, an embedded `char[]`
    /// and a string reached through two pointers.
    public static let typedArguments = "count delta obj->balance obj->level obj->label:string obj->next->name:string"

    /// `typedArguments` on a kprobe and an fprobe of `pb_wl_typed`.
    public static var typedDefinitions: [String] {
        pairedDefinitions(function: ProbeWorkload.TypedSymbol.function, arguments: typedArguments)
    }

    /// The same arguments as a kprobe and as an fprobe of `function`.
    public static func pairedDefinitions(function: String, arguments: String) -> [String] {
        ["p:fetchcost/kprobe \(function) \(arguments)", "f:fetchcost/fprobe \(function) \(arguments)"]
    }

    /// Measures every definition on `cpu`.
    ///
    /// - Parameter workload: what to run; by default the workload that calls the probed function.
    /// - Parameter debugInfo: the guest's DWARF; by default read from the environment's image with libdw.
    /// - Throws: ``FetchCostUnavailable`` for a definition that needs the guest's DWARF types while
    ///   libdw cannot be loaded (the figure is unavailable on this host, not wrong);
    ///   ``ProbeDefinitionError`` for a definition that does not resolve (or probes past the
    ///   function entry, where the entry window cannot see the handler), `MeasurementError` when
    ///   a window is missing or the probe did not fire, guest errors as they come.
    public static func measure(definitions: [String], cpu: String, workload: ProbeWorkload? = nil, plan: Plan = Plan(),
                               environment: MeasurementEnvironment,
                               debugInfo: Result<DWARFProgram, Error>? = nil) throws -> [FetchCost] {
        guard CPUProfile.named(cpu) != nil else {
            throw MeasurementError.scenarioFailed(id: "fetch cost", reason: "unknown CPU profile '\(cpu)' (known: \(MachineTiming.profileNames.joined(separator: ", ")))")
        }
        let reference = try environment.makeKernel()
        let debugInfo = debugInfo ?? Result { try DWARFProgram(elfPath: environment.imageURL.path) }
        var libdwUnavailable = false
        if case .failure(DebugInfoError.libdwUnavailable) = debugInfo { libdwUnavailable = true }
        let resolver = ProbeResolver(image: ProbeTargetImage(kernel: reference, debugInfo: debugInfo))
        return try definitions.map { definition in
            let resolved: ResolvedProbe
            do {
                resolved = try resolver.resolve(definition)
            } catch let error as ProbeDefinitionError where libdwUnavailable && error.code == .debugInfoUnavailable {
                // Only libdw's absence: the definition may well be right, and a host with libdw measures it.
                throw FetchCostUnavailable(definition: definition, reason: error.message)
            }
            let compiled = try FetchProgramCompiler.compile(resolved)
            return try measure(compiled, cpu: cpu, workload: workload, plan: plan, environment: environment)
        }
    }

    /// The same `arguments` of `function` through a kprobe and an fprobe.
    public static func comparePaths(function: String, arguments: String, cpu: String, plan: Plan = Plan(),
                                    environment: MeasurementEnvironment) throws -> FetchCostComparison {
        let costs = try measure(definitions: pairedDefinitions(function: function, arguments: arguments), cpu: cpu, plan: plan,
                                environment: environment)
        return FetchCostComparison(kprobe: costs[0], fprobe: costs[1])
    }

    /// Measures one compiled probe.
    public static func measure(_ compiled: CompiledProbe, cpu: String, workload requested: ProbeWorkload? = nil, plan: Plan = Plan(),
                               environment: MeasurementEnvironment) throws -> FetchCost {
        let probe = compiled.probe
        let definition = probe.definition
        guard probe.isReturn || probe.attachParameter == 0 else {
            throw ProbeDefinitionError(.costNeedsFunctionEntry,
                                       "fetch cost is measured in the entry window, which ends before a probe at +\(definition.offset) fires: probe the function entry",
                                       definition: definition.text, span: definition.offsetSpan ?? definition.probePointSpan)
        }
        guard !probe.arguments.isEmpty else {
            throw ProbeDefinitionError(.costNeedsArguments, "fetch cost is per argument: the definition fetches none",
                                       definition: definition.text, span: definition.probePointSpan)
        }
        let workload = requested ?? ProbeWorkload.calling(probe.function.name)
        guard let workload, workload.functionSymbol == probe.function.name else {
            throw MeasurementError.scenarioFailed(
                id: "fetch cost of \(probe.event)",
                reason: "the measurement windows bracket the driver's call of \(probe.function.name), but \(requested.map { "workload \($0.name) calls \($0.functionSymbol)" } ?? "no workload calls it directly")")
        }
        let counted = try measureWindows(compiled, handler: .count, cpu: cpu, workload: workload, plan: plan, environment: environment)
        let recordOnly = try measureWindows(withoutArguments(compiled), handler: .fetch, cpu: cpu, workload: workload, plan: plan,
                                            environment: environment, checksEvents: false)
        let fetched = try measureWindows(compiled, handler: .fetch, cpu: cpu, workload: workload, plan: plan, environment: environment)
        return FetchCost(
            definition: definition.text, canonicalDefinition: probe.canonicalDefinition, mechanism: probe.mechanism.rawValue,
            registers: probe.registers.rawValue, window: probe.isReturn ? "exit" : "entry", cpu: cpu, workload: workload.name,
            arguments: probe.arguments.count, fetchOps: compiled.argumentOps.reduce(0) { $0 + $1.count },
            measuredCalls: plan.measured, withFetch: fetched, withEmptyRecord: recordOnly, withCount: counted)
    }

    /// The same probe with programs that fetch nothing (a return probe keeps its hidden return
    /// address): the `fetch` handler then only appends the record, whose cost this isolates.
    private static func withoutArguments(_ compiled: CompiledProbe) -> CompiledProbe {
        let hidden = compiled.probe.isReturn ? Array(compiled.exitProgram.suffix(FetchProgramCompiler.returnAddressOps)) : []
        return CompiledProbe(probe: compiled.probe, entryProgram: [], exitProgram: hidden)
    }

    /// The average window per call with `handler` attached, on a freshly booted guest; with
    /// `checksEvents`, every hit must have left one event without faulting loads.
    private static func measureWindows(_ compiled: CompiledProbe, handler: HandlerKind, cpu: String, workload: ProbeWorkload,
                                       plan: Plan, environment: MeasurementEnvironment,
                                       checksEvents: Bool = true) throws -> WindowCounters {
        let probe = compiled.probe
        let kernel = try environment.makeKernel()
        let machine = kernel.machine
        MachineTiming.time(machine, profile: cpu)
        MachineTiming.resetCold(machine)

        let session = ProbeSession(kernel: kernel, compiled: compiled)
        try session.attach(handler: handler)
        let driver = HookedCall(kernel: kernel)
        let windows = CallWindowRecorder(
            driver: driver, addresses: try CallWindowRecorder.addresses(forFunction: probe.function.name, in: kernel))
        // The host consumes the ring after every call (untimed), so no record is ever dropped and
        // every fetch run does the same work. Each call's events and hits are kept so that only the
        // measured calls' are checked.
        var perCall: [(events: Int, faults: Int, hits: UInt64)] = []
        var hitsSoFar = probe.isReturn ? kernel.control.exitHits : kernel.control.entryHits
        driver.on(kernel.driverReturnSite) { _ in
            let taken = try session.takeEvents()
            let hits = probe.isReturn ? kernel.control.exitHits : kernel.control.entryHits
            perCall.append((taken.events.count, taken.events.filter(\.faulted).count, hits - hitsSoFar))
            hitsSoFar = hits
        }
        let function = try kernel.address(of: workload.functionSymbol)
        let (argument, _) = try workload.prepare(kernel)
        let steady = try windows.steadyTraces(warmup: plan.warmup, measured: plan.measured) { count, phase in
            try driver.run(function: function, named: workload.functionSymbol, count: count, argument: argument, phase: phase)
        }
        guard let traces = steady else {
            throw MeasurementError.noWindow(mechanism: probe.mechanism.rawValue, workload: workload.name)
        }
        let calls = UInt64(plan.warmup + plan.measured)
        let hits = probe.isReturn ? kernel.control.exitHits : kernel.control.entryHits
        guard hits >= calls else {
            throw MeasurementError.didNotFire(mechanism: probe.mechanism.rawValue, workload: workload.name, calls: calls, hits: hits)
        }
        let measuredCalls = perCall.suffix(plan.measured)
        let measuredHits = measuredCalls.reduce(0) { $0 + $1.hits }
        let events = measuredCalls.reduce(0) { $0 + $1.events }
        let faults = measuredCalls.reduce(0) { $0 + $1.faults }
        if handler == .fetch && checksEvents {
            // One event per hit (recursion hits several times per call), none with a bad load.
            guard UInt64(events) == measuredHits, faults == 0 else {
                throw MeasurementError.scenarioFailed(
                    id: "fetch cost of \(probe.event)",
                    reason: "\(measuredHits) hits in \(plan.measured) calls gave \(events) events, \(faults) of them with faulting loads")
            }
        }
        try session.detach()
        return probe.isReturn ? traces.averageExit : traces.averageEntry
    }
}

/// A fetch cost that cannot be measured on this host: its definition needs the guest's DWARF types
/// (a parameter name, `->`/`.` members) and libdw, which reads them, cannot be loaded. Runs record
/// it as unavailable with `reason`, never as a figure and never as a failure.
public struct FetchCostUnavailable: Error, Equatable, Sendable, CustomStringConvertible {
    /// The definition as given.
    public var definition: String
    /// What needed the DWARF and why libdw is unavailable.
    public var reason: String

    public init(definition: String, reason: String) {
        self.definition = definition
        self.reason = reason
    }

    public var description: String { "the fetch cost of '\(definition)' is unavailable: \(reason)" }
}
