import Foundation
import GuestKernel
import Testing
import TestSupport
@testable import Harness

/// Suite files resolved as `bench run` loads them: what a bad one is rejected for, naming its field.
@Suite struct SuiteValidationTests {
    static let packageRoot = PackageRoot.url

    /// A suite that measures nothing, with `fields` replaced.
    static func definition(_ fields: [String: Any]) throws -> SuiteDefinition {
        var suite: [String: Any] = ["name": "t", "description": "d", "cpus": [String](), "calls": ["warmup": 1, "measured": 2],
                                    "scenarios": [Any](), "interruptSweeps": [Any](), "scaling": [Any]()]
        suite.merge(fields) { $1 }
        return try JSONDecoder().decode(SuiteDefinition.self, from: JSONSerialization.data(withJSONObject: suite))
    }

    static func resolve(_ fields: [String: Any]) throws -> Suite {
        try Suite.resolve(try definition(fields), file: "t.json", knownCPUs: HarnessProfiles.names,
                          defaultCPU: HarnessProfiles.defaultName)
    }

    /// Why the suite with `fields` is rejected, or nil if it is not.
    static func problem(_ fields: [String: Any]) throws -> String? {
        do {
            _ = try resolve(fields)
            return nil
        } catch let error as SuiteError {
            return error.description
        }
    }

    static func curve(_ parameter: String, _ values: [Int], _ mechanisms: [String], workload: String) -> [String: Any] {
        ["scaling": [["parameter": parameter, "values": values, "mechanisms": mechanisms, "handler": "count", "workload": workload]]]
    }

    @Test func everyShippedSuiteLoads() throws {
        let folder = Self.packageRoot.appending(path: Suite.defaultFolder)
        let names = Suite.availableSuites(in: folder)
        #expect(names.contains("default") && names.contains("full"))
        for name in names {
            #expect(throws: Never.self, "\(name)") {
                try Suite.load(named: name, folder: folder, knownCPUs: HarnessProfiles.names, defaultCPU: HarnessProfiles.defaultName)
            }
        }
    }

    /// Int.max crashed the run (`(0..<count-1).map`), 2000 failed only when run ("no symbol
    /// pb_fn_1024") and 0 measured the same as 1.
    @Test func functionValuesBeyondTheGuestsFunctionsOrZeroAreRejected() throws {
        for value in [Int.max, 2000, GuestABI.manyFunctionCount + 2, 0, -1] {
            let problem = try Self.problem(Self.curve("functions", [1, value], ["ftrace-args"], workload: "leaf"))
            #expect(problem?.hasPrefix("t.json: scaling[0].values has \(value): functions on ftrace-args must be 1…1025") == true,
                    "\(value): \(problem ?? "accepted")")
        }
        let every = ["ftrace-args", "ftrace-regs", "fprobe", "fgraph", "fentry-fexit", "kprobe-xol", "direct-bl"]
        #expect(try Self.problem(Self.curve("functions", [1, GuestABI.manyFunctionCount + 1], every, workload: "leaf")) == nil)
    }

    /// kretprobes and direct-plt hold fewer functions than the guest has: the guest said ENOMEM at
    /// the 17th kretprobe and at the 1025th direct-plt function (a trampoline and a veneer each).
    @Test func functionValuesBeyondAPathsCapacityAreRejected() throws {
        for (mechanism, limit, constant) in [("kretprobe-brk", GuestABI.maxKretprobes, "PB_MAX_KRETPROBES"),
                                             ("kretprobe-tramp", GuestABI.maxKretprobes, "PB_MAX_KRETPROBES"),
                                             ("direct-plt", GuestABI.codeMapMax / 2, "PB_CODE_MAP_MAX")] {
            let problem = try Self.problem(Self.curve("functions", [1, limit + 1], [mechanism], workload: "leaf"))
            #expect(problem?.contains("values has \(limit + 1): functions on \(mechanism) must be 1…\(limit)") == true
                    && problem?.contains(constant) == true, "\(problem ?? "accepted")")
            #expect(try Self.problem(Self.curve("functions", [1, limit], [mechanism], workload: "leaf")) == nil)
        }
        let all = try Self.problem(Self.curve("functions", [GuestABI.manyFunctionCount + 1], ["all"], workload: "leaf"))
        #expect(all?.contains("functions on direct-plt must be 1…1024") == true, "\(all ?? "accepted")")
    }

    @Test func opsValuesBeyondTheGuestsListAreRejected() throws {
        for value in [1_000_000, GuestABI.maxOpsCount + 1, -1] {
            let problem = try Self.problem(Self.curve("ops", [0, value], ["ftrace-list"], workload: "leaf"))
            #expect(problem?.contains("scaling[0].values has \(value): ops on ftrace-list must be 0…128") == true,
                    "\(value): \(problem ?? "accepted")")
            #expect(problem?.contains("PB_MAX_OPS_COUNT") == true)
        }
        #expect(try Self.problem(Self.curve("ops", [0, GuestABI.maxOpsCount], ["ftrace-list"], workload: "leaf")) == nil)
    }

    /// The default and full suites measured kretprobes at depth 64: 65 calls for 64 instances.
    @Test func depthValuesAPathCannotHookAreRejected() throws {
        let kretprobe = try Self.problem(Self.curve("depth", [1, 64], ["fgraph", "kretprobe-brk"], workload: "recursive"))
        #expect(kretprobe?.contains("scaling[0].values has 64: depth on kretprobe-brk must be 1…63") == true, "\(kretprobe ?? "accepted")")
        #expect(kretprobe?.contains("PB_KRETPROBE_MAXACTIVE") == true)
        let fgraph = try Self.problem(Self.curve("depth", [128], ["fgraph"], workload: "recursive"))
        #expect(fgraph?.contains("depth on fgraph must be 1…127") == true && fgraph?.contains("PB_RET_STACK_DEPTH") == true,
                "\(fgraph ?? "accepted")")
        for value in [0, 128, 400, Int.max] {
            let problem = try Self.problem(Self.curve("depth", [value], ["ftrace-args"], workload: "recursive"))
            #expect(problem?.contains("scaling[0].values has \(value): depth on ftrace-args must be 1…127") == true,
                    "\(value): \(problem ?? "accepted")")
        }
        #expect(try Self.problem(Self.curve("depth", [1, 63], ["all"], workload: "recursive")) == nil)
        #expect(try Self.problem(Self.curve("depth", [127], ["fgraph", "fprobe", "fprobe-ptregs", "ftrace-args"],
                                            workload: "recursive")) == nil)
    }

    /// Depth on `leaf` divided one call by depth + 1 and published e.g. 0.41 cycles per traced call.
    @Test func aDepthCurveOnAWorkloadThatDoesNotRecurseIsRejected() throws {
        let problem = try Self.problem(Self.curve("depth", [4], ["ftrace-args"], workload: "leaf"))
        #expect(problem == "t.json: scaling[0].workload is 'leaf': a depth curve needs 'recursive' (depth is its recursion depth)")
    }
}

extension SuiteValidationTests {
    /// A sweep whose scenario the suite did not list ran 17M guest instructions and its walks were
    /// dropped: results.json had 0 scenarios and no failure.
    @Test func aSweepBringsItsScenarioAlong() throws {
        let suite = try Self.resolve(["interruptSweeps": [["mechanisms": ["fgraph", "none"], "workload": "nonleaf", "handler": "walk"]]])
        let cpu = HarnessProfiles.defaultName
        #expect(suite.scenarios == [ScenarioSpec(mechanism: .functionGraph, handler: .walk, workload: .nonleaf, cpu: cpu)],
                "none is reported from its baseline, not as a scenario")
        #expect(suite.sweeps.count == 2)
        let listed = try Self.resolve(["scenarios": [["mechanisms": ["fgraph"], "handlers": ["walk"], "workloads": ["nonleaf"]]],
                                       "interruptSweeps": [["mechanisms": ["fgraph"], "workload": "nonleaf", "handler": "walk"]]])
        #expect(listed.scenarios.count == 1, "a listed scenario is not added twice")
    }
}

extension SuiteValidationTests {
    /// A CPU listed twice, or groups that overlap, ran sweeps, curves and fetch costs twice (the
    /// report then claimed 138 reliable walks for a 69-instruction path): only scenarios were unique.
    @Test func everythingIsMeasuredOnceHoweverOftenItIsNamed() throws {
        let sweep: [String: Any] = ["mechanisms": ["ftrace-args", "fgraph"], "workload": "leaf", "handler": "count"]
        let definition = "p pb_wl_typed count"
        let suite = try Self.resolve([
            "cpus": ["cortex-a72", "cortex-a53", "cortex-a72"],
            "scenarios": [["mechanisms": ["ftrace-args"], "handlers": ["count"], "workloads": ["leaf", "leaf"]]],
            "interruptSweeps": [sweep, ["mechanisms": ["fgraph"], "workload": "leaf", "handler": "count"]],
            "scaling": [["parameter": "ops", "values": [0, 1, 4], "mechanisms": ["ftrace-list"], "handler": "count", "workload": "leaf"],
                        ["parameter": "ops", "values": [4, 2, 2], "mechanisms": ["ftrace-list"], "handler": "count", "workload": "leaf"],
                        ["parameter": "depth", "values": [4, 2, 2], "mechanisms": ["ftrace-args"], "handler": "count",
                         "workload": "recursive"]],
            "fetchCosts": [["definitions": [definition, definition]], ["definitions": [definition]]],
        ])
        #expect(suite.cpus == ["cortex-a72", "cortex-a53"])
        #expect(suite.scenarios.count == 2 * 2, "ftrace-args and fgraph (from its sweep) on leaf, per CPU")
        #expect(suite.sweeps.count == 2 * 2)
        #expect(suite.fetchCosts.count == 2)
        #expect(suite.curves.count == 2 * 2, "ftrace-list's ops and ftrace-args's depth, per CPU")
        let list = try #require(suite.curves.first { $0.mechanism == .ftraceList })
        #expect(list.values == [0, 1, 2, 4], "overlapping groups make one curve over all their values, each once")
        #expect(suite.curves.first { $0.mechanism == .ftraceArgs }?.values == [2, 4])
        // Moving the suite to CPUs keeps everything once.
        let moved = suite.onCPUs(["neoverse-n1"])
        #expect(moved.scenarios.count == 2 && moved.sweeps.count == 2 && moved.curves.count == 2 && moved.fetchCosts.count == 1)
        // …and so does `--cpu` given twice.
        let twice = suite.onCPUs(["neoverse-n1", "neoverse-n1"])
        #expect(twice.cpus == ["neoverse-n1"] && twice.scenarios.count == 2 && twice.sweeps.count == 2 && twice.curves.count == 2)
    }
}

extension SuiteValidationTests {
    /// `mechanisms: ["none"]` became an empty suite that ran nothing and exited 0.
    @Test func noneIsNotAScenarioAndASuiteMustMeasureSomething() throws {
        let none = try Self.problem(["scenarios": [["mechanisms": ["none"], "handlers": ["count"], "workloads": ["leaf"]]]])
        #expect(none?.hasPrefix("t.json: scenarios[0].mechanisms names 'none': none is the baseline") == true, "\(none ?? "accepted")")
        let alongside = try Self.problem(["scenarios": [["mechanisms": ["fgraph"], "handlers": ["count"], "workloads": ["leaf"]],
                                                        ["mechanisms": ["fgraph", "none"], "handlers": ["count"], "workloads": ["leaf"]]]])
        #expect(alongside?.contains("scenarios[1].mechanisms names 'none'") == true, "\(alongside ?? "accepted")")
        #expect(try Self.problem([:]) == "t.json: measures nothing: scenarios, interruptSweeps, scaling and fetchCosts name nothing to measure")
        // "all" means every mechanism measured against none; a none sweep stays possible.
        #expect(try Self.resolve(["scenarios": [["mechanisms": ["all"], "handlers": ["count"], "workloads": ["leaf"]]]])
            .scenarios.contains { $0.mechanism == .none } == false)
        #expect(try Self.problem(["interruptSweeps": [["mechanisms": ["none"], "workload": "leaf", "handler": "count"]]]) == nil)
    }
}

extension SuiteValidationTests {
    /// calls.warmup 100000000 ran into the guest's instruction limit (1.4 GB of call traces later)
    /// with an error that did not name the warm-up.
    @Test func callCountsBeyondTheMaximumAreRejectedNamingTheirField() throws {
        let scenarios: [[String: Any]] = [["mechanisms": ["ftrace-args"], "handlers": ["count"], "workloads": ["leaf"]]]
        for (calls, field) in [(["warmup": 100_000_000, "measured": 2], "warmup"), (["warmup": -1, "measured": 2], "warmup"),
                               (["warmup": 1, "measured": 10_001], "measured"), (["warmup": 1, "measured": 0], "measured")] {
            let problem = try Self.problem(["calls": calls, "scenarios": scenarios])
            #expect(problem?.hasPrefix("t.json: calls.\(field) is \(calls[field]!): it must be") == true, "\(calls): \(problem ?? "accepted")")
        }
        #expect(try Self.problem(["calls": ["warmup": Suite.maximumCalls, "measured": Suite.maximumCalls], "scenarios": scenarios]) == nil)
    }
}

extension SuiteValidationTests {
    /// `--suite /tmp` looked for Benchmarks/Suites/tmp.json; outside the package the error listed nothing.
    @Test func aSuiteThatCannotBeFoundSaysWhereItLooked() throws {
        try ScratchDirectory.using(purpose: "suites") { folder in
            func problem(_ name: String, in folder: URL) -> String {
                do {
                    _ = try Suite.load(named: name, folder: folder, knownCPUs: HarnessProfiles.names, defaultCPU: HarnessProfiles.defaultName)
                    return "loaded"
                } catch {
                    return "\(error)"
                }
            }
            let path = folder.appending(path: "elsewhere").path
            #expect(problem(path, in: Self.packageRoot.appending(path: Suite.defaultFolder)).hasPrefix("\(path): no such suite"))
            #expect(problem("default", in: folder).contains("holds no suite files: run bench from the package's folder, or give --suites"))
            #expect(problem("nosuch", in: Self.packageRoot.appending(path: Suite.defaultFolder)).contains("(available: default, full, quick)"))
        }
    }
}

extension SuiteValidationTests {
    /// Only ftrace-list's and ftrace-callops's attach register the extra ops: an ops curve on another
    /// path measured the same call at every count, and the report published a slope from its point at 0 ops.
    @Test func anOpsCurveIsFtraceListsAndCallOpsOnly() throws {
        let problem = try Self.problem(Self.curve("ops", [1, 2], ["ftrace-list", "ftrace-args"], workload: "leaf"))
        #expect(problem?.contains("scaling[0].mechanisms has 'ftrace-args': an ops curve measures ftrace-list and ftrace-callops only")
                == true, "\(problem ?? "accepted")")
        #expect(try Self.problem(Self.curve("ops", [0, 1, 2], ["ftrace-list", "ftrace-callops"], workload: "leaf")) == nil)
    }

    /// Only the ftrace ops paths put other tracers' ops on the traced function; the guest takes at most 16.
    @Test func aSharedOpsCurveIsTheFtraceOpsPathsOnlyAndWithinTheGuests() throws {
        let other = try Self.problem(Self.curve("shared-ops", [0, 1], ["ftrace-callops", "fprobe"], workload: "leaf"))
        #expect(other?.contains("scaling[0].mechanisms has 'fprobe': a shared-ops curve measures ftrace-args, ftrace-regs, "
                                + "ftrace-list, ftrace-callops only") == true, "\(other ?? "accepted")")
        for value in [GuestABI.maxSharedOps + 1, -1] {
            let problem = try Self.problem(Self.curve("shared-ops", [0, value], ["ftrace-args"], workload: "leaf"))
            #expect(problem?.contains("scaling[0].values has \(value): shared-ops on ftrace-args must be 0…16") == true
                    && problem?.contains("PB_MAX_SHARED_OPS") == true, "\(value): \(problem ?? "accepted")")
        }
        #expect(try Self.problem(Self.curve("shared-ops", [0, GuestABI.maxSharedOps],
                                            Mechanism.sharingOps.map(\.rawValue), workload: "leaf")) == nil)
    }

    /// modify's entry change would be the recursive workload's depth: named together, the pair is
    /// an error; through "all", recursive is left out of modify's scenarios (and kept for the rest).
    @Test func modifyIsNotPairedWithTheRecursiveWorkload() throws {
        let named = try #require(try Self.problem(["scenarios": [["mechanisms": ["ftrace-args"], "handlers": ["count", "modify"],
                                                                   "workloads": ["leaf", "recursive"]]]]))
        #expect(named.contains("scenarios[0] pairs handler 'modify' with workload 'recursive'"), "\(named)")
        let suite = try Self.resolve(["scenarios": [["mechanisms": ["ftrace-args"], "handlers": ["count", "modify"],
                                                     "workloads": ["all"]]]])
        #expect(!suite.scenarios.contains { $0.handler == .modify && $0.workload == .recursive })
        #expect(suite.scenarios.contains { $0.handler == .count && $0.workload == .recursive })
        #expect(suite.scenarios.contains { $0.handler == .modify && $0.workload == .leaf })
        let sweep = try #require(try Self.problem(["interruptSweeps": [["mechanisms": ["ftrace-args"], "workload": "recursive",
                                                                        "handler": "modify"]]]))
        #expect(sweep.contains("interruptSweeps[0]: modify on recursive"), "\(sweep)")
        let curve = try #require(try Self.problem(["scaling": [["parameter": "depth", "values": [1], "mechanisms": ["fgraph"],
                                                                "handler": "modify", "workload": "recursive"]]]))
        #expect(curve.contains("scaling[0]: modify on recursive"), "\(curve)")
        let redirect = try #require(try Self.problem(["scenarios": [["mechanisms": ["kprobe-xol"], "handlers": ["redirect"],
                                                                      "workloads": ["recursive"]]]]))
        #expect(redirect.contains("redirect on recursive: the workload has no replacement"), "\(redirect)")
    }

    /// A scenario group may name its own profiles: its scenarios run on those alone, the suite's
    /// profiles list every profile measured, and `--cpu` still moves everything.
    @Test func aGroupMayNameItsOwnProfiles() throws {
        let suite = try Self.resolve(["cpus": ["cortex-a72"], "scenarios": [
            ["mechanisms": ["ftrace-args"], "handlers": ["count"], "workloads": ["leaf", "nonleaf"]],
            ["mechanisms": ["ftrace-args", "kprobe-xol"], "handlers": ["count"], "workloads": ["nonleaf"],
             "cpus": ["cortex-a53", "neoverse-n1", "cortex-a53"]],
        ]])
        #expect(suite.cpus == ["cortex-a72", "cortex-a53", "neoverse-n1"])
        #expect(suite.scenarios.filter { $0.cpu == "cortex-a53" }.map(\.id) == ["ftrace-args/count/nonleaf@cortex-a53",
                                                                                "kprobe-xol/count/nonleaf@cortex-a53"])
        #expect(!suite.scenarios.contains { $0.cpu == "cortex-a72" && $0.mechanism == .kprobeXOL })
        #expect(suite.onCPUs(["cortex-a72"]).scenarios.allSatisfy { $0.cpu == "cortex-a72" })
        let unknown = try Self.problem(["scenarios": [["mechanisms": ["ftrace-args"], "handlers": ["count"], "workloads": ["leaf"],
                                                       "cpus": ["cortex-x9"]]]])
        #expect(unknown?.contains("scenarios[0].cpus names unknown profile 'cortex-x9'") == true, "\(unknown ?? "accepted")")
        let empty = try Self.problem(["scenarios": [["mechanisms": ["ftrace-args"], "handlers": ["count"], "workloads": ["leaf"],
                                                     "cpus": [String]()]]])
        #expect(empty?.contains("scenarios[0].cpus is empty") == true, "\(empty ?? "accepted")")
    }
}
