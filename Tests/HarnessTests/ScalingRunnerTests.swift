import GuestKernel
import Testing
@testable import Harness

/// The depth curve publishes a point only when every call of the recursive tree was traced in full.
@Suite struct ScalingRunnerTests {
    static let environment = Result { try MeasurementEnvironment() }

    func depthCurve(_ mechanism: Mechanism, _ depths: [Int], handler: HandlerKind = .count) throws -> [ScalingCurve] {
        let spec = CurveSpec(parameter: .stackDepth, values: depths, mechanism: mechanism, handler: handler,
                             workload: .recursive, cpu: HarnessProfiles.defaultName)
        return try ScalingRunner(environment: try Self.environment.get()).measure(spec, plan: CallPlan(warmup: 1, measured: 2))
    }

    /// CALL_OPS sites call their own ops whatever else is registered; the list function walks every ops.
    @Test func otherRegisteredOpsCostTheListButNotCallOps() throws {
        func curve(_ mechanism: Mechanism) throws -> [Double] {
            let spec = CurveSpec(parameter: .registeredOps, values: [1, 10], mechanism: mechanism, handler: .count,
                                 workload: .leaf, cpu: HarnessProfiles.defaultName)
            // The default suite's warm-up: with two calls the predictors were not yet steady at one ops
            // on some code layouts (49 against 40 cycles, where the suite measures 31 at both).
            return try #require(try ScalingRunner(environment: try Self.environment.get())
                .measure(spec, plan: CallPlan(warmup: 8, measured: 4)).first).points.map(\.y)
        }
        let callOps = try curve(.ftraceCallOps), list = try curve(.ftraceList)
        #expect(callOps.count == 2 && callOps[0] == callOps[1], "\(callOps)")
        #expect(list.count == 2 && list[1] > list[0] + 9 * 10, "\(list)")
        // And the other ops are there: with them registered, the common trampoline calls the list
        // function (a CALL_OPS curve without them would be flat for want of anything to call past).
        let kernel = try Self.environment.get().makeKernel()
        try kernel.setOpsCount(10)
        try kernel.attach(.ftraceCallOps, handler: .count, to: .leaf)
        let site = try kernel.address(of: "pb_ftrace_call")
        let word = try #require(kernel.machine.instructionWord(at: site))
        #expect(word >> 26 == 0b100101, "pb_ftrace_call holds a BL")
        let offset = Int64(Int32(bitPattern: (word & 0x03FF_FFFF) << 6) >> 6) * 4
        let target = UInt64(bitPattern: Int64(bitPattern: site) &+ offset)
        #expect(kernel.symbols.describe(target) == "ftrace_ops_list_func", "\(String(describing: kernel.symbols.describe(target)))")
    }

    /// Another tracer on the function: each of its ops' handlers runs once per call (the runner checks),
    /// the CALL_OPS site then calls the list function, and each further ops costs the same on every path.
    @Test func otherTracersOnTheFunctionTakeCallOpsToTheList() throws {
        func curve(_ mechanism: Mechanism) throws -> [Double] {
            let spec = CurveSpec(parameter: .sharedOps, values: [0, 1, 3], mechanism: mechanism, handler: .count,
                                 workload: .leaf, cpu: HarnessProfiles.defaultName)
            return try #require(try ScalingRunner(environment: try Self.environment.get())
                .measure(spec, plan: CallPlan(warmup: 2, measured: 2)).first).points.map(\.y)
        }
        let callOps = try curve(.ftraceCallOps), list = try curve(.ftraceList), args = try curve(.ftraceArgs)
        #expect(callOps.count == 3 && list.count == 3 && args.count == 3)
        // Alone, CALL_OPS skips the list; shared, it walks the same list as ftrace-list (within its literal's load).
        #expect(callOps[0] < list[0], "\(callOps) \(list)")
        #expect(abs(callOps[1] - list[1]) < 5, "\(callOps) \(list)")
        for points in [callOps, list, args] {
            #expect(points[1] > points[0] && points[2] > points[1], "\(points)")
            // The same list walk on every path; the paths' code sits at different addresses, so the
            // address-indexed predictor and caches may differ by a cycle or two.
            #expect(abs((points[2] - points[1]) - (callOps[2] - callOps[1])) <= 2,
                    "every path pays the same per further ops: \(points) against ftrace-callops' \(callOps)")
        }

        // The site's literal is the list op while another tracer shares the function, the path's own ops otherwise.
        let kernel = try Self.environment.get().makeKernel()
        try kernel.setSharedOps(2)
        try kernel.attach(.ftraceCallOps, handler: .count, to: .leaf)
        let leaf = try kernel.address(of: Workload.leaf.symbol)
        let literal = try #require(kernel.machine.memory.readUInt64(at: leaf - 8))
        let function = try #require(kernel.machine.memory.readUInt64(at: literal), "the literal's ops (OPS_FUNC is its first word)")
        #expect(kernel.symbols.describe(function) == "ftrace_ops_list_func",
                "the literal's ops calls \(String(describing: kernel.symbols.describe(function)))")
    }

    /// The attached-functions curve measures each path at the capacity suite validation allows it.
    @Test(arguments: [Mechanism.kretprobeBRK, .kretprobeTrampoline, .directPLT])
    func theAttachedFunctionsCapacityIsMeasurable(_ mechanism: Mechanism) throws {
        let limit = mechanism.maximumAttachedFunctions.count
        let spec = CurveSpec(parameter: .attachedFunctions, values: [limit], mechanism: mechanism, handler: .count,
                             workload: .leaf, cpu: HarnessProfiles.defaultName)
        let curves = try ScalingRunner(environment: try Self.environment.get()).measure(spec, plan: CallPlan(warmup: 1, measured: 1))
        #expect(!curves.isEmpty && curves.allSatisfy { $0.points.count == 1 && $0.points[0].x == Double(limit) })
        // And no more: one function beyond it the guest runs out (which suite validation spares a run).
        let beyond = CurveSpec(parameter: .attachedFunctions, values: [limit + 1], mechanism: mechanism, handler: .count,
                               workload: .leaf, cpu: HarnessProfiles.defaultName)
        #expect { try ScalingRunner(environment: try Self.environment.get()).measure(beyond, plan: CallPlan(warmup: 1, measured: 1)) }
            throws: { "\($0)".contains("ENOMEM") }
    }

    /// Depth 64 on a kretprobe needs 65 instances of a pool of 64: the published figure used to
    /// average the unhooked outermost call in (682.3 where depth 63 gave 685.5).
    @Test func aKretprobeDepthBeyondItsInstancesFailsInsteadOfPublishing() throws {
        let curve = try #require(try depthCurve(.kretprobeBRK, [63]).first)
        #expect(curve.points.count == 1 && curve.points[0].y > 0)
        #expect(GuestABI.kretprobeMaxActive == 64, "the depths below assume 64 instances")
        do {
            _ = try depthCurve(.kretprobeBRK, [63, 64])
            Issue.record("depth 64 on kretprobe-brk published a number")
        } catch let error as MeasurementError {
            guard case .returnHooksMissed(let mechanism, let depth, let missed, let pool) = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(mechanism == "kretprobe-brk" && depth == 64 && missed == 3, "\(error)")
            #expect(pool?.capacity == GuestABI.kretprobeMaxActive)
            #expect(error.description.contains("PB_KRETPROBE_MAXACTIVE") && error.description.contains("depth 63 at most"),
                    "\(error)")
        }
    }

    /// The shadow return stack holds 128 entries: fgraph at depth 128 (129 calls) misses one per tree.
    @Test func anFgraphDepthBeyondTheShadowReturnStackFails() throws {
        #expect(try depthCurve(.functionGraph, [GuestABI.returnStackDepth - 1]).first?.points.count == 1)
        #expect(throws: MeasurementError.returnHooksMissed(
            mechanism: "fgraph", depth: GuestABI.returnStackDepth, missed: 3, pool: Mechanism.functionGraph.returnHookPool)) {
            _ = try depthCurve(.functionGraph, [GuestABI.returnStackDepth])
        }
    }

    /// fentry-fexit keeps a 208-byte trampoline frame per level on the 16 KiB task stack: at depth
    /// 100 the tree ran below the stack into the guest's data and still published a number.
    @Test func aCallTreeDeeperThanTheTaskStackFails() throws {
        do {
            _ = try depthCurve(.fentryFexit, [100])
            Issue.record("a call tree below the task stack published a number")
        } catch let error as MeasurementError {
            guard case .stackOverflow(let mechanism, let depth, let needed, let available) = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(mechanism == "fentry-fexit" && depth == 100 && needed > available, "\(error)")
        }
        // Every other path holds the deepest tree suites may ask for.
        #expect(try depthCurve(.kprobeSimulate, [Mechanism.kprobeSimulate.maximumRecursionDepth], handler: .walk).count == 1)
    }
}
