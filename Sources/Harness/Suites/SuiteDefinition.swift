import Foundation
import GuestKernel

/// A suite as written in `Benchmarks/Suites/<name>.json`: which scenarios, walks and curves to measure.
///
/// Lists accept `"all"` for every measurable mechanism, handler kind or workload. Users add a
/// suite by adding a file; nothing is compiled in.
public struct SuiteDefinition: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    /// CPU profiles to run on; empty means the default profile.
    public var cpus: [String]
    public var calls: CallCounts
    public var scenarios: [ScenarioGroup]
    /// Per-instruction IRQ sweeps: mechanisms and the workload whose call path is swept.
    public var interruptSweeps: [SweepGroup]
    public var scaling: [ScalingGroup]
    /// Typed probe definitions whose fetch cost per argument is measured (optional).
    public var fetchCosts: [FetchCostGroup]?

    /// How many calls warm the machine up and how many are measured.
    public struct CallCounts: Codable, Sendable, Equatable {
        public var warmup: Int
        public var measured: Int
    }

    /// A cross product of mechanisms × handlers × workloads, on the suite's CPU profiles or, where
    /// `cpus` is given, on those instead (so a suite can compare profiles on a few scenarios).
    public struct ScenarioGroup: Codable, Sendable, Equatable {
        public var mechanisms: [String]
        public var handlers: [String]
        public var workloads: [String]
        public var cpus: [String]?
        /// Another tracer's hook on the same function, attached first with the count handler: a
        /// mechanism of the other kind than each of `mechanisms` (a BRK one beside patch-site ones,
        /// or the reverse), as a kprobe and ftrace share a function on arm64 (optional).
        public var alongside: String?

        public init(mechanisms: [String], handlers: [String], workloads: [String], cpus: [String]? = nil,
                    alongside: String? = nil) {
            self.mechanisms = mechanisms
            self.handlers = handlers
            self.workloads = workloads
            self.cpus = cpus
            self.alongside = alongside
        }
    }

    public struct SweepGroup: Codable, Sendable, Equatable {
        public var mechanisms: [String]
        public var workload: String
        public var handler: String
        /// Another tracer's hook on the same function during the sweep, as a scenario group's (optional).
        public var alongside: String?
    }

    /// Probe definitions in the kernel's dynamic-event syntax, each measured on every CPU.
    public struct FetchCostGroup: Codable, Sendable, Equatable {
        public var definitions: [String]
    }

    /// A curve: `parameter` swept over `values` for each mechanism.
    public struct ScalingGroup: Codable, Sendable, Equatable {
        public var parameter: String
        public var values: [Int]
        public var mechanisms: [String]
        public var handler: String
        public var workload: String
    }
}

/// A suite with every name resolved and checked: what the runner executes.
public struct Suite: Sendable, Equatable {
    public var name: String
    public var description: String
    public var cpus: [String]
    public var warmupCalls: Int
    public var measuredCalls: Int
    public var scenarios: [ScenarioSpec]
    public var sweeps: [SweepSpec]
    public var curves: [CurveSpec]
    public var fetchCosts: [FetchCostSpec] = []

    /// The workloads measured in `none` as baselines, per CPU.
    public var baselineWorkloads: [Workload] {
        Array(Set(scenarios.map(\.workload))).sorted { $0.rawValue < $1.rawValue }
    }
}

/// One mechanism × handler × workload × CPU.
public struct ScenarioSpec: Sendable, Hashable {
    public var mechanism: Mechanism
    public var handler: HandlerKind
    public var workload: Workload
    public var cpu: String
    /// Another tracer's hook on the same function, attached first with the count handler (nil: the
    /// mechanism alone).
    public var alongside: Mechanism?

    public init(mechanism: Mechanism, handler: HandlerKind, workload: Workload, cpu: String, alongside: Mechanism? = nil) {
        self.mechanism = mechanism
        self.handler = handler
        self.workload = workload
        self.cpu = cpu
        self.alongside = alongside
    }

    /// The hooks on the function: `mechanism`, or `mechanism+alongside`.
    public var path: String { ScenarioResult.path(mechanism.rawValue, alongside: alongside?.rawValue) }

    public var id: String { "\(path)/\(handler.rawValue)/\(workload.rawValue)@\(cpu)" }
}

/// One per-instruction IRQ sweep.
public struct SweepSpec: Sendable, Hashable {
    public var mechanism: Mechanism
    public var handler: HandlerKind
    public var workload: Workload
    public var cpu: String
    /// Another tracer's hook on the same function, attached first with the count handler.
    public var alongside: Mechanism? = nil
}

/// One probe definition whose fetch cost is measured on one CPU.
public struct FetchCostSpec: Sendable, Hashable {
    public var definition: String
    public var cpu: String
}

/// One scaling curve.
public struct CurveSpec: Sendable, Hashable {
    public var parameter: ScalingCurve.Parameter
    public var values: [Int]
    public var mechanism: Mechanism
    public var handler: HandlerKind
    public var workload: Workload
    public var cpu: String
}

/// A suite file that cannot be used, naming the file and the field.
public struct SuiteError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String

    public var description: String { "\(file): \(problem)" }
}

extension Suite {
    /// The folder holding the suite files, relative to the package root.
    public static let defaultFolder = "Benchmarks/Suites"
    /// The most warm-up or measured calls a suite may ask for: each phase is one host call, which
    /// must finish within the guest's instruction limit, and every call's trace is kept.
    public static let maximumCalls = 10_000

    /// Reads and resolves `<folder>/<name>.json` (or a path to a suite file).
    public static func load(named name: String, folder: URL, knownCPUs: [String], defaultCPU: String) throws -> Suite {
        // A name with a '/' or a '.json' is a path; anything else names a file in `folder`.
        let isPath = name.hasSuffix(".json") || name.contains("/")
        let url = isPath ? URL(fileURLWithPath: name) : folder.appending(path: name + ".json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            let available = availableSuites(in: folder)
            let hint = available.isEmpty
                ? " (and \(folder.path) holds no suite files: run bench from the package's folder, or give --suites)"
                : " (available: \(available.joined(separator: ", ")))"
            throw SuiteError(file: url.path, problem: "no such suite" + hint)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SuiteError(file: url.path, problem: JSONProblem.fileProblem(at: url, error))
        }
        let definition: SuiteDefinition
        do {
            definition = try JSONDecoder().decode(SuiteDefinition.self, from: data)
        } catch {
            throw SuiteError(file: url.path, problem: JSONProblem.describe(error, in: data))
        }
        return try resolve(definition, file: url.path, knownCPUs: knownCPUs, defaultCPU: defaultCPU)
    }

    /// The suite names in `folder`.
    public static func availableSuites(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Checks every name and number of `definition` and expands `"all"`.
    public static func resolve(_ definition: SuiteDefinition, file: String, knownCPUs: [String], defaultCPU: String) throws -> Suite {
        func fail(_ problem: String) -> SuiteError { SuiteError(file: file, problem: problem) }
        func expand<T: RawRepresentable & CaseIterable>(_ names: [String], _ all: [T], field: String) throws -> [T] where T.RawValue == String {
            guard !names.isEmpty else { throw fail("\(field) is empty") }
            if names == ["all"] { return all }
            return try names.map { name in
                guard let value = T(rawValue: name) else {
                    throw fail("\(field) names unknown '\(name)' (known: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return value
            }
        }
        func one<T: RawRepresentable & CaseIterable>(_ name: String, field: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: name) else {
                throw fail("\(field) names unknown '\(name)' (known: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return value
        }
        /// A group's `alongside`, checked against its mechanisms and handlers (nil when absent).
        func checkedAlongside(_ name: String?, mechanisms: [Mechanism], handlers: [HandlerKind], field: String) throws -> Mechanism? {
            guard let name else { return nil }
            let other: Mechanism = try one(name, field: "\(field).alongside")
            if let reason = Suite.alongsideProblem(other, mechanisms: mechanisms, handlers: handlers) {
                throw fail("\(field).alongside '\(name)': \(reason)")
            }
            return other
        }

        let cpus = definition.cpus.isEmpty ? [defaultCPU] : unique(definition.cpus)
        for cpu in cpus where !knownCPUs.contains(cpu) {
            throw fail("cpus names unknown profile '\(cpu)' (known: \(knownCPUs.joined(separator: ", ")))")
        }
        for (field, count, least) in [("warmup", definition.calls.warmup, 0), ("measured", definition.calls.measured, 1)]
        where !(least...maximumCalls).contains(count) {
            throw fail("calls.\(field) is \(count): it must be \(least)…\(maximumCalls) (a scenario makes them in one host call and "
                       + "keeps each call's counters)")
        }
        var scenarios: [ScenarioSpec] = []
        var groupCPUs: [String] = []
        for (index, group) in definition.scenarios.enumerated() {
            let field = "scenarios[\(index)]"
            let profiles = try group.cpus.map { names in
                guard !names.isEmpty else { throw fail("\(field).cpus is empty (leave it out for the suite's profiles)") }
                for cpu in names where !knownCPUs.contains(cpu) {
                    throw fail("\(field).cpus names unknown profile '\(cpu)' (known: \(knownCPUs.joined(separator: ", ")))")
                }
                return unique(names)
            } ?? cpus
            groupCPUs += profiles
            if group.mechanisms.contains(Mechanism.none.rawValue) {
                throw fail("\(field).mechanisms names 'none': none is the baseline every scenario is measured against, "
                           + "not a mechanism to measure (an IRQ sweep of none reports its walks)")
            }
            let mechanisms: [Mechanism] = try expand(group.mechanisms, Mechanism.measurable, field: "\(field).mechanisms")
            let handlers: [HandlerKind] = try expand(group.handlers, HandlerKind.allCases, field: "\(field).handlers")
            let workloads: [Workload] = try expand(group.workloads, Workload.allCases, field: "\(field).workloads")
            let alongside = try checkedAlongside(group.alongside, mechanisms: mechanisms,
                                                 handlers: group.handlers == ["all"] ? [] : handlers, field: field)
            // A pair that cannot be measured is an error when the group names both, and left out
            // when it comes from "all" (every pair that can be measured).
            if group.handlers != ["all"] && group.workloads != ["all"] {
                for handler in handlers {
                    for workload in workloads {
                        if let reason = handler.unmeasurableReason(on: workload) {
                            throw fail("\(field) pairs handler '\(handler.rawValue)' with workload '\(workload.rawValue)': \(reason)")
                        }
                    }
                }
            }
            for cpu in profiles {
                for mechanism in mechanisms where mechanism != .none {
                    for handler in handlers {
                        for workload in workloads where handler.unmeasurableReason(on: workload) == nil
                            && (alongside == nil || !Suite.handlersMeasuredAlone.contains(handler)) {
                            scenarios.append(ScenarioSpec(mechanism: mechanism, handler: handler, workload: workload, cpu: cpu,
                                                          alongside: alongside))
                        }
                    }
                }
            }
        }
        var sweeps: [SweepSpec] = []
        for (index, group) in definition.interruptSweeps.enumerated() {
            let field = "interruptSweeps[\(index)]"
            let mechanisms: [Mechanism] = try expand(group.mechanisms, Mechanism.measurable, field: "\(field).mechanisms")
            let workload: Workload = try one(group.workload, field: "\(field).workload")
            let handler: HandlerKind = try one(group.handler, field: "\(field).handler")
            if let reason = handler.unmeasurableReason(on: workload) { throw fail("\(field): \(reason)") }
            let alongside = try checkedAlongside(group.alongside, mechanisms: mechanisms, handlers: [handler], field: field)
            for cpu in cpus {
                for mechanism in mechanisms {
                    sweeps.append(SweepSpec(mechanism: mechanism, handler: handler, workload: workload, cpu: cpu, alongside: alongside))
                }
            }
        }
        // A sweep's walks are published in its scenario's result, so a sweep brings its scenario
        // along (`none` is reported from its baseline instead).
        for sweep in sweeps where sweep.mechanism != .none {
            scenarios.append(sweep.scenario)
        }
        var curves: [CurveSpec] = []
        for (index, group) in definition.scaling.enumerated() {
            let field = "scaling[\(index)]"
            let parameter: ScalingCurve.Parameter = try one(group.parameter, field: "\(field).parameter")
            guard !group.values.isEmpty else { throw fail("\(field).values is empty") }
            let mechanisms: [Mechanism] = try expand(group.mechanisms, Mechanism.measurable, field: "\(field).mechanisms")
            let handler: HandlerKind = try one(group.handler, field: "\(field).handler")
            let workload: Workload = try one(group.workload, field: "\(field).workload")
            if let reason = handler.unmeasurableReason(on: workload) { throw fail("\(field): \(reason)") }
            if parameter == .stackDepth && workload != .recursive {
                throw fail("\(field).workload is '\(workload.rawValue)': a depth curve needs 'recursive' (depth is its recursion depth)")
            }
            // Only ftrace-list's and ftrace-callops's attach register the extra ops: on any other path
            // the count changes nothing, and its curve would publish a slope that was never measured.
            if parameter == .registeredOps, let other = mechanisms.first(where: { ![.ftraceList, .ftraceCallOps].contains($0) }) {
                throw fail("\(field).mechanisms has '\(other.rawValue)': an ops curve measures ftrace-list and ftrace-callops only "
                           + "(the guest registers the extra ops only with those)")
            }
            // Only the ftrace ops paths share a function with other tracers' ops in the guest.
            if parameter == .sharedOps, let other = mechanisms.first(where: { !Mechanism.sharingOps.contains($0) }) {
                throw fail("\(field).mechanisms has '\(other.rawValue)': a shared-ops curve measures "
                           + Mechanism.sharingOps.map(\.rawValue).joined(separator: ", ")
                           + " only (the guest puts other tracers' ops on a function only with those)")
            }
            for mechanism in mechanisms {
                let (range, bound) = parameter.measurableValues(on: mechanism)
                if let value = group.values.first(where: { !range.contains($0) }) {
                    throw fail("\(field).values has \(value): \(parameter.rawValue) on \(mechanism.rawValue) must be "
                               + "\(range.lowerBound)…\(range.upperBound); \(bound)")
                }
            }
            for cpu in cpus {
                for mechanism in mechanisms {
                    curves.append(CurveSpec(parameter: parameter, values: group.values, mechanism: mechanism,
                                            handler: handler, workload: workload, cpu: cpu))
                }
            }
        }
        var fetchCosts: [FetchCostSpec] = []
        for (index, group) in (definition.fetchCosts ?? []).enumerated() {
            for (position, text) in group.definitions.enumerated() {
                do {
                    _ = try ProbeDefinition.parse(text)
                } catch {
                    throw fail("fetchCosts[\(index)].definitions[\(position)] is not a valid probe definition: \(error)")
                }
                for cpu in cpus { fetchCosts.append(FetchCostSpec(definition: text, cpu: cpu)) }
            }
        }
        guard !scenarios.isEmpty || !sweeps.isEmpty || !curves.isEmpty || !fetchCosts.isEmpty else {
            throw fail("measures nothing: scenarios, interruptSweeps, scaling and fetchCosts name nothing to measure")
        }
        // Each scenario, sweep, curve and fetch cost once, however many groups or CPUs name it.
        // Every profile something is measured on: the suite's, then those only a group names.
        return Suite(name: definition.name, description: definition.description, cpus: unique(cpus + groupCPUs),
                     warmupCalls: definition.calls.warmup, measuredCalls: definition.calls.measured,
                     scenarios: unique(scenarios), sweeps: unique(sweeps), curves: merged(curves), fetchCosts: unique(fetchCosts))
    }
}
