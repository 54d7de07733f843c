import Foundation

/// Everything one `bench run` measured: the contents of `results.json`.
///
/// The schema is versioned (`schemaVersion`); readers reject versions they do not know rather
/// than misread them. Guest metrics are deterministic, host figures are not and are kept apart.
public struct RunResults: Codable, Sendable, Equatable {
    /// The version of this schema; bump it on any incompatible change and document it in the README.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var run: RunInfo
    public var environment: EnvironmentInfo
    public var scenarios: [ScenarioResult]
    public var scaling: [ScalingCurve]
    public var host: HostPerformance
    /// Scenarios that could not be measured, with the reason: a run with failures exits non-zero.
    public var failures: [MeasurementFailure]
    /// The cost of fetching typed probe arguments, per definition and CPU (added within schema 1:
    /// absent in older files, read as empty).
    public var fetchCosts: [FetchCost]
    /// Fetch costs this host could not measure (libdw, which reads the guest's DWARF types, is
    /// unavailable), with the reason: not figures, and not failures (added within schema 1: absent
    /// in older files, read as empty).
    public var unavailableFetchCosts: [UnavailableFetchCost]

    public init(run: RunInfo, environment: EnvironmentInfo, scenarios: [ScenarioResult],
                scaling: [ScalingCurve], host: HostPerformance, failures: [MeasurementFailure] = [],
                fetchCosts: [FetchCost] = [], unavailableFetchCosts: [UnavailableFetchCost] = []) {
        schemaVersion = Self.currentSchemaVersion
        self.run = run
        self.environment = environment
        self.scenarios = scenarios
        self.scaling = scaling
        self.host = host
        self.failures = failures
        self.fetchCosts = fetchCosts
        self.unavailableFetchCosts = unavailableFetchCosts
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, run, environment, scenarios, scaling, host, failures, fetchCosts, unavailableFetchCosts
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        run = try container.decode(RunInfo.self, forKey: .run)
        environment = try container.decode(EnvironmentInfo.self, forKey: .environment)
        scenarios = try container.decode([ScenarioResult].self, forKey: .scenarios)
        scaling = try container.decode([ScalingCurve].self, forKey: .scaling)
        host = try container.decode(HostPerformance.self, forKey: .host)
        failures = try container.decode([MeasurementFailure].self, forKey: .failures)
        fetchCosts = try container.decodeIfPresent([FetchCost].self, forKey: .fetchCosts) ?? []
        unavailableFetchCosts = try container.decodeIfPresent([UnavailableFetchCost].self, forKey: .unavailableFetchCosts) ?? []
    }
}

/// A fetch cost (definition on a CPU) the run could not measure, and why.
public struct UnavailableFetchCost: Codable, Sendable, Equatable {
    /// The definition as given.
    public var definition: String
    public var cpu: String
    public var reason: String

    public init(definition: String, cpu: String, reason: String) {
        self.definition = definition
        self.cpu = cpu
        self.reason = reason
    }
}

/// A scenario, sweep or curve that could not be measured.
public struct MeasurementFailure: Codable, Sendable, Equatable {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// Identity of a run.
public struct RunInfo: Codable, Sendable, Equatable {
    /// `<timestamp>-<commit>`, also the run's folder name.
    public var identifier: String
    /// ISO 8601, UTC.
    public var startedAt: String
    public var commit: String
    public var suite: String
    /// CPU profiles the suite ran on.
    public var cpuProfiles: [String]
    /// Parallel scenario workers used.
    public var jobs: Int
    /// Wall-clock seconds for the whole run (host-dependent; never compared as a guest metric).
    public var wallSeconds: Double

    public init(identifier: String, startedAt: String, commit: String, suite: String, cpuProfiles: [String],
                jobs: Int, wallSeconds: Double) {
        self.identifier = identifier
        self.startedAt = startedAt
        self.commit = commit
        self.suite = suite
        self.cpuProfiles = cpuProfiles
        self.jobs = jobs
        self.wallSeconds = wallSeconds
    }
}

/// What the numbers were produced with.
public struct EnvironmentInfo: Codable, Sendable, Equatable {
    public var hostName: String
    public var hostOS: String
    public var hostProcessorCount: Int
    public var swiftVersion: String
    /// SHA-256 of the guest image, so two runs of different guests are never silently compared.
    public var guestImageSHA256: String
    /// Whether libdw could be loaded for the independent unwinder ("available" or the reason it is not).
    public var libdw: String
    /// The host's processor model (`RunContext.hostProcessor`); nil where it is not known and in
    /// results written before it was recorded (added within schema 1).
    public var hostProcessor: String?

    public init(hostName: String, hostOS: String, hostProcessorCount: Int, swiftVersion: String,
                guestImageSHA256: String, libdw: String, hostProcessor: String? = nil) {
        self.hostName = hostName
        self.hostOS = hostOS
        self.hostProcessorCount = hostProcessorCount
        self.swiftVersion = swiftVersion
        self.guestImageSHA256 = guestImageSHA256
        self.libdw = libdw
        self.hostProcessor = hostProcessor
    }

    /// `hostProcessor`, or that the run did not record one: how reports and comparisons name it.
    public var hostProcessorDescription: String { hostProcessor ?? "processor model not recorded" }
}

/// Host-side throughput: noisy, judged statistically by `bench compare`.
public struct HostPerformance: Codable, Sendable, Equatable {
    /// Guest instructions per second in each timing mode, one sample per measurement repetition.
    public var instructionsPerSecond: [String: [Double]]
    /// Peak resident memory of the process once the suite had run, before its files were
    /// rendered (which can take about as much again on a large suite), in bytes.
    public var peakResidentBytes: UInt64
    /// The suite's own runs of the emulator, per timing mode (absent in results written before
    /// they were recorded, or with `--no-host-throughput`). Recorded, not compared: one figure per
    /// run is too noisy for `bench compare` to judge.
    public var suiteRuns: [String: SuiteRunTime]?

    public init(instructionsPerSecond: [String: [Double]] = [:], peakResidentBytes: UInt64 = 0,
                suiteRuns: [String: SuiteRunTime]? = nil) {
        self.instructionsPerSecond = instructionsPerSecond
        self.peakResidentBytes = peakResidentBytes
        self.suiteRuns = suiteRuns
    }
}

/// Guest instructions the emulator retired while running a suite's scenarios in one timing mode,
/// and the host time those runs took (summed over workers): the speed of the suite as it is
/// actually driven, hooks, observers and freshly decoded code included.
public struct SuiteRunTime: Codable, Sendable, Equatable {
    public var instructions: UInt64
    public var seconds: Double

    public init(instructions: UInt64, seconds: Double) {
        self.instructions = instructions
        self.seconds = seconds
    }

    /// Guest instructions per host second.
    public var instructionsPerSecond: Double { seconds > 0 ? Double(instructions) / seconds : 0 }
}

/// One mechanism × handler × workload × CPU profile.
public struct ScenarioResult: Codable, Sendable, Equatable, Identifiable {
    public var mechanism: String
    public var handler: String
    public var workload: String
    public var cpu: String
    public var metrics: ScenarioMetrics
    public var walks: [WalkVerification]
    /// For the `modify` handler: which of its changes reached the function and the caller (added
    /// within schema 1: absent for other handlers and in older files).
    public var handlerChange: HandlerChange?
    /// For the `redirect` handler: whether the call ran the workload's replacement (added within
    /// schema 1: absent for other handlers and in older files).
    public var callRedirect: CallRedirect?
    /// For the `args` handler: whether the registers its entry handler is given are the function's
    /// own (added within schema 1: absent for other handlers and in older files).
    public var handlerRegisters: HandlerRegisters?
    /// For the `args` handler on a path with a return hook: whether the registers its exit handler is
    /// given are what the caller resumes with (added within schema 1).
    public var exitHandlerRegisters: HandlerRegisters?
    /// Another tracer's hook on the same function, attached first with the count handler (added
    /// within schema 1: absent when the mechanism was measured alone, and in older files).
    public var alongside: String?

    /// The hooks on the function: `mechanism`, or `mechanism+alongside`.
    public var path: String { Self.path(mechanism, alongside: alongside) }

    /// `mechanism`, or `mechanism+alongside` when another tracer's hook shares the function.
    public static func path(_ mechanism: String, alongside: String?) -> String {
        alongside.map { "\(mechanism)+\($0)" } ?? mechanism
    }

    /// Each register group a handler was checked for, with where ("entry" or "exit"): what compare
    /// and the CSV publish one by one.
    public var handlerRegisterGroups: [(point: String, group: HandlerRegisters.Group)] {
        [("entry", handlerRegisters), ("exit", exitHandlerRegisters)].flatMap { point, registers in
            (registers?.groups ?? []).map { (point, $0) }
        }
    }

    /// `path/handler/workload@cpu`: stable across runs, the key `bench compare` matches on.
    public var id: String { "\(path)/\(handler)/\(workload)@\(cpu)" }

    public init(mechanism: String, handler: String, workload: String, cpu: String,
                metrics: ScenarioMetrics, walks: [WalkVerification], handlerChange: HandlerChange? = nil,
                callRedirect: CallRedirect? = nil, handlerRegisters: HandlerRegisters? = nil,
                exitHandlerRegisters: HandlerRegisters? = nil, alongside: String? = nil) {
        self.mechanism = mechanism
        self.handler = handler
        self.workload = workload
        self.cpu = cpu
        self.metrics = metrics
        self.walks = walks
        self.handlerChange = handlerChange
        self.callRedirect = callRedirect
        self.handlerRegisters = handlerRegisters
        self.exitHandlerRegisters = exitHandlerRegisters
        self.alongside = alongside
    }
}

/// The measured cost of one scenario (its windows per call), with the `none` baseline it is relative to.
public struct ScenarioMetrics: Codable, Sendable, Equatable {
    /// From the driver's call instruction to the second instruction of the traced function's body.
    /// (Not the first: a kprobe may probe the first body instruction, `SYM+8`, so only the second is
    /// reached after every probe has finished its entry work.)
    public var entry: WindowComparison
    /// From the traced function's last RET to the driver's next instruction. (In recursion the
    /// outermost RET; after a tail call the tail target's.)
    public var exit: WindowComparison
    /// Stack: the most bytes below the caller's SP that a measured call reached, and the same in `none`.
    public var stackBytes: Comparison<Double>
    /// Stack already consumed below the caller's SP when the entry handler starts, the most over the
    /// measured calls (nil where no handler ran, as in `none`).
    public var stackAtHandlerEntry: Double?
    /// Cycles to attach to the workload's function, starting from predictors and caches reset cold,
    /// and to detach from it after the last call; the guest's own text patching and cache
    /// maintenance included. In a `none` scenario, the guest's attach and detach of `none`, which
    /// validate and record the request and patch nothing.
    public var attachCycles: Double
    public var detachCycles: Double
    /// Calls the steady-state figures average over: the suite's `calls.measured`, made right after
    /// its warm-up calls in the same guest loop. A `none` scenario (published to carry an IRQ sweep's
    /// walks) reports its baseline's figures, measured over as many calls.
    public var measuredCalls: Int
    /// The steady-state entry and exit windows per call by the symbol that spent them (the
    /// scenario's own, not against `none`; nil in results written before they were recorded).
    public var entryBySymbol: [SymbolCost]?
    public var exitBySymbol: [SymbolCost]?

    public init(entry: WindowComparison, exit: WindowComparison, stackBytes: Comparison<Double>,
                stackAtHandlerEntry: Double?, attachCycles: Double, detachCycles: Double, measuredCalls: Int,
                entryBySymbol: [SymbolCost]? = nil, exitBySymbol: [SymbolCost]? = nil) {
        self.entry = entry
        self.exit = exit
        self.stackBytes = stackBytes
        self.stackAtHandlerEntry = stackAtHandlerEntry
        self.attachCycles = attachCycles
        self.detachCycles = detachCycles
        self.measuredCalls = measuredCalls
        self.entryBySymbol = entryBySymbol
        self.exitBySymbol = exitBySymbol
    }

    private enum CodingKeys: String, CodingKey {
        case entry, exit, stackBytes, stackAtHandlerEntry, attachCycles, detachCycles, measuredCalls, entryBySymbol, exitBySymbol
    }

    /// Decodes the metrics, refusing a negative count of calls, and cycles by symbol that do not
    /// add up to their window: a run charges every counter of a steady window to some symbol, so
    /// each of a window's counters is the sum of its symbols' (the design report divides one by
    /// the other). The error names the field.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entry = try container.decode(WindowComparison.self, forKey: .entry)
        exit = try container.decode(WindowComparison.self, forKey: .exit)
        stackBytes = try container.decode(Comparison<Double>.self, forKey: .stackBytes)
        stackAtHandlerEntry = try container.decodeIfPresent(Double.self, forKey: .stackAtHandlerEntry)
        attachCycles = try container.decode(Double.self, forKey: .attachCycles)
        detachCycles = try container.decode(Double.self, forKey: .detachCycles)
        measuredCalls = try container.decode(Int.self, forKey: .measuredCalls)
        entryBySymbol = try container.decodeIfPresent([SymbolCost].self, forKey: .entryBySymbol)
        exitBySymbol = try container.decodeIfPresent([SymbolCost].self, forKey: .exitBySymbol)
        guard measuredCalls >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .measuredCalls, in: container,
                                                   debugDescription: "\(measuredCalls) is not a count of calls: it cannot be negative")
        }
        for (key, window, costs) in [(CodingKeys.entryBySymbol, entry, entryBySymbol), (.exitBySymbol, exit, exitBySymbol)] {
            guard let costs else { continue }
            let sum = costs.reduce(WindowCounters()) { $0 + $1.counters }
            // Each symbol's figure is a mean over the calls, as is the window's: they agree but for rounding.
            for ((name, symbols), (_, whole)) in zip(sum.named, window.steady.measured.named)
            where abs(symbols - whole) > 1e-9 * max(1, abs(whole)) {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "the symbols' \(name) add up to \(symbols) per call, but the steady window they "
                        + "divide has \(whole) (\(key == .entryBySymbol ? "entry" : "exit").steady.measured.\(name))")
            }
        }
    }
}

/// A measurement with the baseline it is compared against; `overhead` is the difference.
public struct Comparison<Value: Codable & Sendable & Equatable & Differenceable>: Codable, Sendable, Equatable {
    public var measured: Value
    public var baseline: Value
    public var overhead: Value { measured - baseline }

    public init(measured: Value, baseline: Value) {
        self.measured = measured
        self.baseline = baseline
    }
}

/// A value with a difference: what `Comparison` needs to report an overhead.
public protocol Differenceable {
    static func - (lhs: Self, rhs: Self) -> Self
}

extension Double: Differenceable {}

/// A measurement window in steady state and on first hit, against `none`.
public struct WindowComparison: Codable, Sendable, Equatable {
    public var steady: Comparison<WindowCounters>
    public var firstHit: Comparison<WindowCounters>

    public init(steady: Comparison<WindowCounters>, firstHit: Comparison<WindowCounters>) {
        self.steady = steady
        self.firstHit = firstHit
    }
}

/// Counters for one window, per call.
public struct WindowCounters: Codable, Sendable, Equatable, Differenceable {
    public var cycles: Double
    public var instructions: Double
    public var exceptions: Double
    public var branchMispredicts: Double
    public var returnMispredicts: Double
    public var cacheMisses: Double

    public init(cycles: Double = 0, instructions: Double = 0, exceptions: Double = 0,
                branchMispredicts: Double = 0, returnMispredicts: Double = 0, cacheMisses: Double = 0) {
        self.cycles = cycles
        self.instructions = instructions
        self.exceptions = exceptions
        self.branchMispredicts = branchMispredicts
        self.returnMispredicts = returnMispredicts
        self.cacheMisses = cacheMisses
    }

    private enum CodingKeys: String, CodingKey {
        case cycles, instructions, exceptions, branchMispredicts, returnMispredicts, cacheMisses
    }

    /// Decodes counters, refusing a negative one: a window's counts per call are never below 0.
    /// The error names the field.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func counter(_ key: CodingKeys) throws -> Double {
            let value = try container.decode(Double.self, forKey: key)
            guard value >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "\(value) is not a count per call: it cannot be negative")
            }
            return value
        }
        self.init(cycles: try counter(.cycles), instructions: try counter(.instructions), exceptions: try counter(.exceptions),
                  branchMispredicts: try counter(.branchMispredicts), returnMispredicts: try counter(.returnMispredicts),
                  cacheMisses: try counter(.cacheMisses))
    }

    /// The counters as named values, in a fixed order.
    public var named: [(String, Double)] {
        [("cycles", cycles), ("instructions", instructions), ("exceptions", exceptions),
         ("branchMispredicts", branchMispredicts), ("returnMispredicts", returnMispredicts), ("cacheMisses", cacheMisses)]
    }

    private func combine(_ other: WindowCounters, _ op: (Double, Double) -> Double) -> WindowCounters {
        WindowCounters(cycles: op(cycles, other.cycles), instructions: op(instructions, other.instructions),
                       exceptions: op(exceptions, other.exceptions),
                       branchMispredicts: op(branchMispredicts, other.branchMispredicts),
                       returnMispredicts: op(returnMispredicts, other.returnMispredicts),
                       cacheMisses: op(cacheMisses, other.cacheMisses))
    }

    public static func + (lhs: WindowCounters, rhs: WindowCounters) -> WindowCounters { lhs.combine(rhs, +) }
    public static func - (lhs: WindowCounters, rhs: WindowCounters) -> WindowCounters { lhs.combine(rhs, -) }

    /// The counters divided by `count` (per-call averages).
    public func divided(by count: Double) -> WindowCounters {
        combine(self) { value, _ in value / count }
    }
}

/// Where a stack walk was taken.
public enum WalkPoint: String, Codable, Sendable, CaseIterable {
    case entryHandler = "entry"
    case exitHandler = "exit"
    case calleeWhileHooked = "callee"
    case interrupt = "irq"
    /// From the registers the entry handler was given (`regs-walk` handlers), as perf and BPF walk.
    case entryRegisters = "entry-regs"
    /// From the registers the exit handler was given.
    case exitRegisters = "exit-regs"
}

/// Which unwinder produced a walk.
public enum Walker: String, Codable, Sendable, CaseIterable {
    /// The guest's frame-record walker.
    case guest
    /// The guest's reliable walker, which may refuse.
    case guestReliable = "guest-reliable"
    /// libdw's DWARF CFI unwinder, walking the same snapshot from the host.
    case libdw
}

/// How walks taken at one point by one walker compared with the shadow call stack.
public struct WalkVerification: Codable, Sendable, Equatable {
    public var point: WalkPoint
    public var walker: Walker
    /// Walks compared (for the IRQ sweep: one per instruction of the probed call path at which the
    /// IRQ was taken; see `masked`).
    public var total: Int
    public var correct: Int
    public var missingFrame: Int
    public var extraFrame: Int
    public var unrecoveredTrampoline: Int
    public var truncated: Int
    /// Walks the reliable walker refused (returned an error): safe, and counted apart from correct.
    public var refused: Int
    /// Walks that were wrong although the walker claimed them reliable: must be zero.
    public var wrongButClaimedReliable: Int
    /// Set when the walker could not run at all (e.g. libdw unavailable): the reason, never a pass.
    public var unavailable: String?
    /// For the IRQ sweep: instructions of the call path before which the injected IRQ could not be
    /// taken (PSTATE.I set, as in a BRK handler). Each such IRQ was taken later, at an instruction
    /// the sweep samples anyway, so it is counted here and not walked (or counted in `total`) again.
    public var masked: Int?
    /// Up to a few examples of wrong walks (expected vs got), for the report.
    public var examples: [WalkExample]

    public init(point: WalkPoint, walker: Walker, total: Int = 0, correct: Int = 0, missingFrame: Int = 0,
                extraFrame: Int = 0, unrecoveredTrampoline: Int = 0, truncated: Int = 0, refused: Int = 0,
                wrongButClaimedReliable: Int = 0, unavailable: String? = nil, masked: Int? = nil,
                examples: [WalkExample] = []) {
        self.point = point
        self.walker = walker
        self.total = total
        self.correct = correct
        self.missingFrame = missingFrame
        self.extraFrame = extraFrame
        self.unrecoveredTrampoline = unrecoveredTrampoline
        self.truncated = truncated
        self.refused = refused
        self.wrongButClaimedReliable = wrongButClaimedReliable
        self.unavailable = unavailable
        self.masked = masked
        self.examples = examples
    }

    /// Walks that were not correct and not refused.
    public var wrong: Int { missingFrame + extraFrame + unrecoveredTrampoline + truncated }

    /// The most a count of a walk tally read from results JSON may be: far more walks than any
    /// run takes at one point (a scenario makes at most `Suite.maximumCalls` calls of each kind,
    /// an IRQ sweep one walk per instruction of the call path), and small enough that reports,
    /// which sum tallies over every scenario of a file, cannot overflow.
    public static let countLimit = 1 << 32

    private enum CodingKeys: String, CodingKey {
        case point, walker, total, correct, missingFrame, extraFrame, unrecoveredTrampoline, truncated, refused,
             wrongButClaimedReliable, unavailable, masked, examples
    }

    /// Decodes a tally, refusing one no run writes: a count below 0 or above `countLimit`, verdicts
    /// (correct, the four kinds of wrong, and refused) that do not add up to `total`, or more walks
    /// wrong although claimed reliable than were wrong. The error names the field.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys) throws -> Int {
            let value = try container.decode(Int.self, forKey: key)
            guard (0...Self.countLimit).contains(value) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "\(value) is not a count of walks: it must be 0…\(Self.countLimit)")
            }
            return value
        }
        point = try container.decode(WalkPoint.self, forKey: .point)
        walker = try container.decode(Walker.self, forKey: .walker)
        total = try count(.total)
        correct = try count(.correct)
        missingFrame = try count(.missingFrame)
        extraFrame = try count(.extraFrame)
        unrecoveredTrampoline = try count(.unrecoveredTrampoline)
        truncated = try count(.truncated)
        refused = try count(.refused)
        wrongButClaimedReliable = try count(.wrongButClaimedReliable)
        unavailable = try container.decodeIfPresent(String.self, forKey: .unavailable)
        masked = try container.decodeIfPresent(Int.self, forKey: .masked)
        examples = try container.decode([WalkExample].self, forKey: .examples)
        if let masked, !(0...Self.countLimit).contains(masked) {
            throw DecodingError.dataCorruptedError(
                forKey: .masked, in: container,
                debugDescription: "\(masked) is not a count of instructions: it must be 0…\(Self.countLimit)")
        }
        // Each count is at most 2^32, so these sums cannot overflow.
        let verdicts = correct + wrong + refused
        guard verdicts == total else {
            throw DecodingError.dataCorruptedError(
                forKey: .total, in: container,
                debugDescription: "\(total) walks, but their verdicts add up to \(verdicts) (correct \(correct), missing frame "
                    + "\(missingFrame), extra frame \(extraFrame), unrecovered trampoline \(unrecoveredTrampoline), "
                    + "truncated \(truncated), refused \(refused))")
        }
        guard wrongButClaimedReliable <= wrong else {
            throw DecodingError.dataCorruptedError(
                forKey: .wrongButClaimedReliable, in: container,
                debugDescription: "\(wrongButClaimedReliable) walks wrong although claimed reliable, more than the \(wrong) that were wrong")
        }
    }
}

/// One wrong walk: what the shadow call stack said and what the walker produced.
public struct WalkExample: Codable, Sendable, Equatable {
    public var expected: [String]
    public var actual: [String]
    public var verdict: String
    /// For IRQ sweeps: the instruction the interrupt was taken before.
    public var interruptedAt: String?

    public init(expected: [String], actual: [String], verdict: String, interruptedAt: String?) {
        self.expected = expected
        self.actual = actual
        self.verdict = verdict
        self.interruptedAt = interruptedAt
    }
}

/// A cost curve: y against a swept parameter.
public struct ScalingCurve: Codable, Sendable, Equatable, Identifiable {
    /// The swept parameter: registered ops, attached functions, or stack depth.
    public enum Parameter: String, Codable, Sendable, CaseIterable {
        case registeredOps = "ops"
        /// Other tracers' ops whose filter also holds the traced function (0: the mechanism alone).
        case sharedOps = "shared-ops"
        case attachedFunctions = "functions"
        case stackDepth = "depth"

        /// What a curve of this parameter reports: one `ScalingCurve` per quantity, in this order
        /// (the attached-functions curve measures attach cycles and the entry overhead per call).
        public var quantities: [String] {
            switch self {
            case .registeredOps, .sharedOps: return ["entry overhead cycles per call"]
            case .attachedFunctions: return ["attach cycles", "entry overhead cycles per call"]
            case .stackDepth: return ["overhead cycles per traced call"]
            }
        }
    }

    public var parameter: Parameter
    public var mechanism: String
    public var handler: String
    public var workload: String
    public var cpu: String
    /// What y measures, e.g. "entry cycles per call" or "attach cycles".
    public var quantity: String
    public var points: [ScalingPoint]

    public var id: String {
        Self.id(parameter: parameter, quantity: quantity, mechanism: mechanism, handler: handler, workload: workload, cpu: cpu)
    }

    /// `parameter:quantity:mechanism/handler/workload@cpu`: a curve's key in results and comparisons.
    public static func id(parameter: Parameter, quantity: String, mechanism: String, handler: String, workload: String,
                          cpu: String) -> String {
        "\(parameter.rawValue):\(quantity):\(mechanism)/\(handler)/\(workload)@\(cpu)"
    }

    public init(parameter: Parameter, mechanism: String, handler: String, workload: String, cpu: String,
                quantity: String, points: [ScalingPoint]) {
        self.parameter = parameter
        self.mechanism = mechanism
        self.handler = handler
        self.workload = workload
        self.cpu = cpu
        self.quantity = quantity
        self.points = points
    }
}

public struct ScalingPoint: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// The counters of the measured window behind `y` (added within schema 1: absent in older
    /// files): the traced call's entry window per call for the ops, shared-ops and functions-call
    /// curves, the whole call tree per driver call for depth curves, the attach itself for attach
    /// curves. `bench compare` uses them to tell a point that moved with the same instructions
    /// (code placement) from one that ran other code.
    public var window: WindowCounters?

    public init(x: Double, y: Double, window: WindowCounters? = nil) {
        self.x = x
        self.y = y
        self.window = window
    }
}

