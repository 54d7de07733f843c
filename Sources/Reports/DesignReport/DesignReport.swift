import GuestKernel
import Harness

/// The design-decision report: each design question with the table and chart that answer it and a
/// verdict computed from the run's numbers (never fixed text).
public enum DesignReport {
    public static func build(_ results: RunResults) -> ReportDocument {
        let index = ResultsIndex(results)
        var sections = [overview(index)]
        sections += [
            regsVersusArgs(index), kprobesVersusFtrace(index), directVersusListVersusCallOps(index), sharedFunction(index),
            returnProbes(index), stackedReturnHooks(index), ptRegsCopy(index), handlerRegisters(index), handlerChanges(index), fetchCosts(index), stackWalks(index),
            walksFromRegisters(index), stackUse(index), attachDetach(index),
            cycleAttribution(index), cpuSensitivity(index),
            scalingCurves(index), allScenarios(index), method(),
        ].compactMap { $0 }
        return ReportDocument(
            title: "ProbeBench design-decision report",
            subtitle: "Suite \(results.run.suite) · run \(results.run.identifier) · CPU \(results.run.cpuProfiles.joined(separator: ", "))",
            sections: sections)
    }

    // MARK: Helpers

    static func cycles(_ value: Double) -> String { ReportFormat.number(value) }

    /// `value` with its unit ("cycles", "bytes"), singular where the number reads 1.
    static func amount(_ value: Double, _ unit: String) -> String {
        let number = cycles(value)
        return "\(number) \(number == "1" && unit.hasSuffix("s") ? String(unit.dropLast()) : unit)"
    }

    /// "A costs 12 cycles (35.0%) more per call than B" from two measured values.
    static func comparison(_ nameA: String, _ a: Double, _ nameB: String, _ b: Double, unit: String = "cycles",
                           what: String = "per call") -> String {
        let difference = a - b
        if abs(difference) < 0.5 { return "\(nameA) and \(nameB) cost the same \(what) (\(cycles(a)) \(unit))" }
        let relative = b != 0 ? " (\(ReportFormat.percent(difference / abs(b))))" : ""
        return "\(nameA) costs \(amount(abs(difference), unit))\(relative) \(difference > 0 ? "more" : "less") \(what) than \(nameB)"
    }

    /// One row per scenario; every figure after the mechanism is an overhead per call against `none`
    /// (the scenario's count minus `none`'s on the same workload and CPU), as `overheadHeaders` say.
    static func overheadRows(_ scenarios: [ScenarioResult]) -> [[String]] {
        scenarios.map { scenario in
            let steady = scenario.steadyOverhead
            let firstHit = scenario.metrics.entry.firstHit.overhead + scenario.metrics.exit.firstHit.overhead
            return [scenario.path, cycles(scenario.entryOverhead), cycles(scenario.exitOverhead),
                    cycles(scenario.totalOverhead), cycles(scenario.firstHitOverhead),
                    cycles(steady.instructions), cycles(steady.exceptions),
                    cycles(steady.branchMispredicts), cycles(steady.returnMispredicts), cycles(firstHit.cacheMisses),
                    cycles(scenario.metrics.stackBytes.overhead)]
        }
    }

    static let overheadHeaders = ["mechanism", "entry overhead cycles", "exit overhead cycles", "total overhead cycles",
                                  "first hit overhead cycles", "extra instructions", "extra exceptions",
                                  "extra branch mispredicts", "extra return mispredicts", "extra cache misses, first hit",
                                  "extra stack bytes"]

    static func overheadTable(_ caption: String, _ scenarios: [ScenarioResult]) -> ReportBlock {
        .table(ReportTable(caption: caption, headers: overheadHeaders, rows: overheadRows(scenarios),
                           numericColumns: Set(1..<overheadHeaders.count)))
    }

    static func overheadChart(_ title: String, _ scenarios: [ScenarioResult]) -> ReportBlock {
        .barChart(BarChart(title: title, unit: "cycles per call", categories: scenarios.map(\.mechanism), series: [
            BarChart.Series(name: "entry", values: scenarios.map { $0.entryOverhead }),
            BarChart.Series(name: "exit", values: scenarios.map { $0.exitOverhead }),
        ]))
    }

    /// `scenario`'s mechanism and every other whose `value` prints the same ("a, b and c"), and
    /// whether that is more than one (for the verb that follows).
    static func tied(_ scenario: ScenarioResult, in scenarios: [ScenarioResult],
                     _ value: (ScenarioResult) -> Double) -> (names: String, several: Bool) {
        let names = scenarios.filter { cycles(value($0)) == cycles(value(scenario)) }.map(\.mechanism)
        return (names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!, names.count > 1)
    }

    /// "; a and b are within 2 cycles of it": the other paths whose `value` is at most `margin` above `best`'s.
    static func within(_ margin: Double, of best: ScenarioResult, in scenarios: [ScenarioResult],
                       by value: (ScenarioResult) -> Double) -> String {
        let close = scenarios.filter { value($0) > value(best) + 0.5 && value($0) <= value(best) + margin }.map(\.mechanism)
        guard !close.isEmpty else { return "" }
        return "; \(close.joined(separator: ", ")) \(close.count == 1 ? "is" : "are") within \(cycles(margin)) cycles of it"
    }

    /// "1 curve", "3 curves".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// "3 miss a frame, 1 stop short": a tally's wrong walks by kind.
    static func failureKinds(_ walks: WalkVerification) -> [String] {
        [(walks.missingFrame, "miss a frame"), (walks.unrecoveredTrampoline, "show an unrecovered return trampoline"),
         (walks.extraFrame, "have an extra frame"), (walks.truncated, "stop short")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
    }

    /// Sums a walker's verdicts at some points over `scenarios`; nil when it took no walk there.
    static func tally(_ scenarios: [ScenarioResult], _ walker: Walker, _ points: Set<WalkPoint>) -> WalkVerification? {
        let walks = scenarios.flatMap(\.walks).filter { $0.walker == walker && points.contains($0.point) }
        guard !walks.isEmpty else { return nil }
        var sum = WalkTally(point: walks[0].point, walker: walker)
        for walk in walks { sum.merge(walk) }
        return sum.verification
    }

    static func missing(_ title: String, _ what: String) -> ReportSection {
        ReportSection(title: title, blocks: [.verdict("Not answered by this run: \(what) were not measured.")])
    }

    // MARK: Sections

    static func overview(_ index: ResultsIndex) -> ReportSection {
        let results = index.results
        let profiles = results.run.cpuProfiles
        let models = "\(profiles.joined(separator: ", ")) \(profiles.count == 1 ? "model" : "models")"
        var blocks: [ReportBlock] = [
            .paragraph("Every figure is a deterministic cycle count from the emulator's \(models): the same commit gives the same numbers on any host. Overheads are relative to `none` (the patch site as boot leaves it, `mov x9, x30; nop`) on the same workload and CPU."),
            .table(ReportTable(caption: "Run", headers: ["", "value"], rows: [
                ["suite", results.run.suite], ["commit", results.run.commit], ["started", results.run.startedAt],
                ["scenarios", String(index.allScenarios.count)], ["scaling curves", String(results.scaling.count)],
                ["guest image SHA-256", String(results.environment.guestImageSHA256.prefix(16)) + "…"],
                ["libdw reference unwinder", results.environment.libdw],
                ["wall time", String(format: "%.1f s on %d workers", results.run.wallSeconds, results.run.jobs)],
                ["host", "\(results.environment.hostName), \(results.environment.hostProcessorDescription)"],
            ])),
        ]
        if index.cpus.count > 1 {
            let which = index.primaryCPU == HarnessProfiles.defaultName ? "the default profile"
                : "the run's first profile: the default, \(HarnessProfiles.defaultName), was not measured"
            // What each profile holds: a suite may measure only a few scenarios on its other profiles.
            let holdings = index.cpus.map { cpu -> (cpu: String, counts: [Int]) in
                (cpu, [index.allScenarios.filter { $0.cpu == cpu }.count, results.scaling.filter { $0.cpu == cpu }.count,
                       results.fetchCosts.filter { $0.cpu == cpu }.count])
            }
            let coverage = Set(holdings.map(\.counts)).count == 1
                ? "stack walks, fetch costs, scaling curves and the table of every scenario cover all \(index.cpus.count) profiles alike"
                : "the profiles hold " + holdings.map {
                    "\($0.cpu) \(count($0.counts[0], "scenario")), \(count($0.counts[1], "curve")) and \(count($0.counts[2], "fetch cost"))"
                }
                    .joined(separator: "; ") + ", and the sections on walks, fetch costs and curves cover what each holds"
            blocks.append(.paragraph("Questions about one path's cost and stack use are answered on \(index.primaryCPU) (\(which)); \(coverage); \"Do the answers change across CPU profiles?\" compares the paths measured on every profile."))
        }
        if !results.failures.isEmpty {
            blocks.append(.paragraph("\(results.failures.count) task(s) could not be measured; their questions below say so."))
            blocks.append(.table(ReportTable(caption: "Failures", headers: ["task", "reason"],
                                             rows: results.failures.map { [$0.id, $0.reason] })))
        }
        return ReportSection(title: "Overview", blocks: blocks)
    }

    static func regsVersusArgs(_ index: ResultsIndex) -> ReportSection? {
        let title = "What does FTRACE_WITH_REGS cost over FTRACE_WITH_ARGS?"
        let cpu = index.primaryCPU
        let workloads = ["leaf", "nonleaf", "args", "tailcall"].filter {
            index.scenario("ftrace-args", workload: $0, cpu: cpu) != nil && index.scenario("ftrace-regs", workload: $0, cpu: cpu) != nil
        }
        guard let reference = workloads.first,
              let args = index.scenario("ftrace-args", workload: reference, cpu: cpu),
              let regs = index.scenario("ftrace-regs", workload: reference, cpu: cpu) else {
            return missing(title, "ftrace-args and ftrace-regs with the count handler")
        }
        let pairs = workloads.flatMap { workload in
            ["ftrace-args", "ftrace-regs"].compactMap { index.scenario($0, workload: workload, cpu: cpu) }
        }
        let rows = pairs.map { [$0.workload] + overheadRows([$0])[0] }
        let stackDifference = regs.metrics.stackBytes.overhead - args.metrics.stackBytes.overhead
        var verdict = comparison("FTRACE_WITH_REGS", regs.totalOverhead, "FTRACE_WITH_ARGS", args.totalOverhead)
            + " on \(reference) (\(cpu))"
        verdict += stackDifference == 0 ? ", with the same stack use." :
            ", and uses \(cycles(abs(stackDifference))) bytes \(stackDifference > 0 ? "more" : "less") stack."
        let consistent = workloads.allSatisfy { workload in
            guard let a = index.scenario("ftrace-args", workload: workload, cpu: cpu),
                  let r = index.scenario("ftrace-regs", workload: workload, cpu: cpu) else { return true }
            return (r.totalOverhead > a.totalOverhead) == (regs.totalOverhead > args.totalOverhead)
        }
        if workloads.count > 1 {
            verdict += consistent ? " The ordering holds on every workload measured (\(workloads.joined(separator: ", ")))."
                : " The ordering is not the same on every workload: see the table."
        }
        return ReportSection(title: title, blocks: [
            .paragraph("FTRACE_WITH_ARGS saves an ftrace_regs (x0–x8, fp, lr, sp, pc: \(RegisterSetKind.ftraceRegs.size) bytes); FTRACE_WITH_REGS a full pt_regs (\(RegisterSetKind.ptRegs.size) bytes) with a synthetic PSTATE. Count handler."),
            .table(ReportTable(caption: "Overhead per call (\(cpu))", headers: ["workload"] + overheadHeaders, rows: rows,
                               numericColumns: Set(2...overheadHeaders.count))),
            overheadChart("ARGS vs REGS on \(reference)", [args, regs]),
            .verdict(verdict),
        ])
    }

    static func kprobesVersusFtrace(_ index: ResultsIndex) -> ReportSection? {
        let title = "How much slower is a BRK kprobe than an ftrace-based probe?"
        let cpu = index.primaryCPU
        guard let workload = index.referenceWorkload(cpu: cpu) else { return missing(title, "count-handler scenarios") }
        let kprobes = ["kprobe-xol", "kprobe-ss", "kprobe-sim"].compactMap { index.scenario($0, workload: workload, cpu: cpu) }
        let ftraceBased = ["ftrace-regs", "fprobe", "ftrace-args"].compactMap { index.scenario($0, workload: workload, cpu: cpu) }
        guard let fastestKprobe = kprobes.min(by: { $0.entryOverhead < $1.entryOverhead }),
              let slowestKprobe = kprobes.max(by: { $0.entryOverhead < $1.entryOverhead }),
              let ftraceRef = ftraceBased.first else {
            return missing(title, "kprobe and ftrace-based mechanisms")
        }
        let ratio = ftraceRef.entryOverhead > 0 ? fastestKprobe.entryOverhead / ftraceRef.entryOverhead : 0
        var verdict = "The cheapest BRK kprobe on \(workload) (\(cpu)), \(fastestKprobe.mechanism), costs \(cycles(fastestKprobe.entryOverhead)) cycles on entry"
        verdict += ratio > 0 ? ": \(String(format: "%.1f", ratio))× the \(cycles(ftraceRef.entryOverhead)) cycles of \(ftraceRef.mechanism)" : ""
        // The steady entry cost is not the whole story: say where the cheapest kprobe is not cheapest.
        if kprobes.count > 1 {
            var caveats: [String] = []
            /// Whether the cheapest kprobe's `value` is above every other kprobe's.
            func alone(_ value: (ScenarioResult) -> Double) -> Bool {
                kprobes.allSatisfy { $0.mechanism == fastestKprobe.mechanism || value($0) < value(fastestKprobe) }
            }
            if alone(\.firstHitOverhead) {
                caveats.append("the dearest first hit of the kprobes (\(cycles(fastestKprobe.firstHitOverhead)) cycles)")
            }
            if alone({ $0.metrics.stackBytes.overhead }) {
                caveats.append("the most extra stack of them (\(cycles(fastestKprobe.metrics.stackBytes.overhead)) bytes)")
            }
            if !caveats.isEmpty { verdict += ", though it has " + caveats.joined(separator: " and ") }
        }
        if kprobes.count > 1 && slowestKprobe.mechanism != fastestKprobe.mechanism {
            verdict += "; \(slowestKprobe.mechanism) is the most expensive kprobe at \(cycles(slowestKprobe.entryOverhead))"
        }
        let exceptions = kprobes.map { "\($0.mechanism) \(cycles($0.metrics.entry.steady.measured.exceptions))" }
        verdict += ". Exceptions per call on entry: \(exceptions.joined(separator: ", ")); \(ftraceRef.mechanism) "
            + "\(cycles(ftraceRef.metrics.entry.steady.measured.exceptions))."
        return ReportSection(title: title, blocks: [
            .paragraph("Kprobes here probe the traced function's symbol, where arm64 puts a kprobe on a function: the `mov x9, x30` that ftrace writes over the patch site's first NOP at boot (ftrace_init_nop), before the ftrace call. XOL runs a copy out of line followed by a second BRK, SS single-steps the copy, SIM simulates it in the handler (arm64's kernel runs a MOV out of line; the guest simulates it to show what simulation would cost)."),
            overheadTable("Overhead per call on \(workload) (\(cpu))", kprobes + ftraceBased),
            overheadChart("BRK kprobes vs ftrace-based probes", kprobes + ftraceBased),
            .verdict(verdict),
        ])
    }

    static func directVersusListVersusCallOps(_ index: ResultsIndex) -> ReportSection? {
        let title = "Direct calls vs the ops list vs CALL_OPS"
        let cpu = index.primaryCPU
        guard let workload = index.referenceWorkload(cpu: cpu) else { return missing(title, "count-handler scenarios") }
        let names = ["direct-bl", "direct-plt", "direct-caller", "ftrace-callops", "ftrace-list", "ftrace-args"]
        let scenarios = names.compactMap { index.scenario($0, workload: workload, cpu: cpu) }
        guard let cheapest = scenarios.min(by: { $0.entryOverhead < $1.entryOverhead }),
              let dearest = scenarios.max(by: { $0.entryOverhead < $1.entryOverhead }) else {
            return missing(title, "direct, list and CALL_OPS mechanisms")
        }
        var blocks: [ReportBlock] = [
            .paragraph("direct-bl branches from the site straight to a per-function trampoline; direct-plt reaches one out of BL range through a veneer; direct-caller goes through the common trampoline first; ftrace-callops loads the ops pointer stored before the function; ftrace-list walks every registered ops (\(GuestABI.ftraceListDefaultOps) in its scenarios, ours and one that matches no function)."),
            overheadTable("Overhead per call on \(workload) (\(cpu))", scenarios),
            overheadChart("Dispatch strategies", scenarios),
        ]
        let cheapestTie = tied(cheapest, in: scenarios) { $0.entryOverhead }
        var verdict = scenarios.count < 2
            ? "Only \(cheapest.mechanism) was measured on \(workload) (\(cycles(cheapest.entryOverhead)) entry cycles): nothing to compare it with."
            : "\(cheapestTie.names) \(cheapestTie.several ? "are" : "is") the cheapest dispatch on \(workload) (\(cycles(cheapest.entryOverhead)) entry cycles) and \(dearest.mechanism) the dearest (\(cycles(dearest.entryOverhead)))"
                + Self.within(2, of: cheapest, in: scenarios, by: { $0.entryOverhead }) + "."
        if let bl = index.scenario("direct-bl", workload: workload, cpu: cpu),
           let plt = index.scenario("direct-plt", workload: workload, cpu: cpu) {
            verdict += " The veneer of an out-of-range trampoline adds \(amount(plt.entryOverhead - bl.entryOverhead, "cycles"))."
        }
        let opsCurves = index.curves(.registeredOps).filter { $0.cpu == cpu }
        if !opsCurves.isEmpty {
            blocks.append(.lineChart(LineChart(title: "Cost against registered ops", xLabel: "registered ops",
                                               yLabel: "entry overhead cycles", series: opsCurves.map { curve in
                LineChart.Series(name: "\(curve.mechanism)@\(curve.cpu)", points: curve.points.map { ($0.x, $0.y) })
            })))
        }
        // Each slope is a measured curve's; a path without a curve gets no claim about how it scales.
        let slopes = Self.slopes(opsCurves)
        for (curve, slope) in slopes {
            verdict += " On \(curve.mechanism), each additional registered ops costs \(amount(slope, "cycles")) per call "
                + "(least-squares slope over \(fitted(curve).count) points from 1 ops, \(curve.workload))."
        }
        if !slopes.isEmpty, !slopes.contains(where: { $0.0.mechanism == "ftrace-callops" }),
           index.scenario("ftrace-callops", workload: workload, cpu: cpu) != nil {
            verdict += " How ftrace-callops scales with registered ops is not measured: the guest registers the extra ops "
                + "on ftrace-list's list only."
        }
        blocks.append(.verdict(verdict))
        return ReportSection(title: title, blocks: blocks)
    }

    static func returnProbes(_ index: ResultsIndex) -> ReportSection? {
        let title = "Return probes: kretprobe via BRK vs a hand-built pt_regs vs rethook"
        let cpu = index.primaryCPU
        guard let workload = index.referenceWorkload(cpu: cpu) else { return missing(title, "count-handler scenarios") }
        let scenarios = ["kretprobe-brk", "kretprobe-tramp", "fprobe", "fgraph", "fentry-fexit"]
            .compactMap { index.scenario($0, workload: workload, cpu: cpu) }
        guard let brk = scenarios.first(where: { $0.mechanism == "kretprobe-brk" }),
              let cheapestExit = scenarios.min(by: { $0.exitOverhead < $1.exitOverhead }) else {
            return missing(title, "kretprobe-brk and the other return paths")
        }
        var verdict = "On \(workload) (\(cpu)) the cheapest return path is \(cheapestExit.mechanism) at \(cycles(cheapestExit.exitOverhead)) exit cycles"
        if let tramp = scenarios.first(where: { $0.mechanism == "kretprobe-tramp" }) {
            verdict += "; " + comparison("the BRK return trampoline", brk.exitOverhead, "the hand-built pt_regs", tramp.exitOverhead, what: "on exit")
        }
        if let rethook = scenarios.first(where: { $0.mechanism == "fprobe" }) {
            verdict += "; " + comparison("kretprobe-brk", brk.totalOverhead, "the fgraph-based rethook (fprobe)", rethook.totalOverhead)
        }
        let hijackers = scenarios.filter { $0.mechanism != "fentry-fexit" }
        let mispredicts = hijackers.map { $0.metrics.exit.steady.overhead.returnMispredicts }
        if let low = mispredicts.min(), let high = mispredicts.max() {
            let range = low == high ? cycles(low) : "\(cycles(low))–\(cycles(high))"
            verdict += ". The paths that replace the return address (\(hijackers.map(\.mechanism).joined(separator: ", "))) take "
                + "\(range) more return mispredicts per call than none in the exit window"
            if let fentry = scenarios.first(where: { $0.mechanism == "fentry-fexit" }) {
                verdict += "; fentry-fexit, which calls the function instead, \(cycles(fentry.metrics.exit.steady.overhead.returnMispredicts))"
            }
        }
        verdict += "."
        return ReportSection(title: title, blocks: [
            .paragraph("kretprobe-brk's return trampoline takes a BRK so its handler gets a real pt_regs; kretprobe-tramp builds one by hand without an exception; fprobe returns through the function-graph return hook (rethook); fentry-fexit calls the function from its trampoline instead of hijacking the return."),
            overheadTable("Overhead per call on \(workload) (\(cpu))", scenarios),
            overheadChart("Return paths", scenarios),
            .verdict(verdict),
        ])
    }

    static func ptRegsCopy(_ index: ResultsIndex) -> ReportSection? {
        let title = "What does copying ftrace_regs into pt_regs cost?"
        let cpu = index.primaryCPU
        guard let workload = index.referenceWorkload(cpu: cpu),
              let plain = index.scenario("fprobe", workload: workload, cpu: cpu),
              let copied = index.scenario("fprobe-ptregs", workload: workload, cpu: cpu) else {
            return missing(title, "fprobe and fprobe-ptregs")
        }
        let verdict = comparison("Handing the handler a pt_regs copy", copied.totalOverhead, "passing the ftrace_regs", plain.totalOverhead)
            + " on \(workload) (\(cpu)); stack use grows by \(amount(copied.metrics.stackBytes.overhead - plain.metrics.stackBytes.overhead, "bytes"))."
        return ReportSection(title: title, blocks: [
            overheadTable("Overhead per call on \(workload) (\(cpu))", [plain, copied]),
            overheadChart("ftrace_regs vs a pt_regs copy", [plain, copied]),
            .verdict(verdict),
        ])
    }

    /// The mechanism that exists only to prove the verifier catches a broken trampoline.
    static let verifierControl = Mechanism.ftraceArgsNoFrameRecord.rawValue

    static func stackWalks(_ index: ResultsIndex) -> ReportSection? {
        let title = "Which paths give correct and reliable stack walks?"
        let withWalks = index.results.scenarios.filter { !$0.walks.isEmpty }
        guard !withWalks.isEmpty else { return missing(title, "stack walks") }

        func fraction(_ walk: WalkVerification?) -> String {
            guard let walk else { return "–" }
            if let reason = walk.unavailable { return "unavailable (\(reason))" }
            return "\(walk.correct)/\(walk.total)"
        }
        let handlerPoints: Set<WalkPoint> = [.entryHandler, .exitHandler, .calleeWhileHooked]
        let mechanisms = ResultsIndex.ordered(Set(withWalks.map(\.mechanism)))
        var rows: [[String]] = []
        var chartSeries = [BarChart.Series(name: "handler walks", values: []), BarChart.Series(name: "IRQ walks", values: []),
                           BarChart.Series(name: "libdw", values: [])]
        /// The percentage of walks that were correct (nil: none taken, or the walker was unavailable).
        func percentCorrect(_ walk: WalkVerification?) -> Double? {
            guard let walk, walk.unavailable == nil, walk.total > 0 else { return nil }
            return 100 * Double(walk.correct) / Double(walk.total)
        }
        var claimedWrong: [String] = []
        var plainHandlerErrors: [String] = []
        for mechanism in mechanisms {
            let scenarios = withWalks.filter { $0.mechanism == mechanism }
            let handlerPlain = tally(scenarios, .guest, handlerPoints)
            let handlerReliable = tally(scenarios, .guestReliable, handlerPoints)
            let irqPlain = tally(scenarios, .guest, [.interrupt])
            let irqReliable = tally(scenarios, .guestReliable, [.interrupt])
            let libdw = tally(scenarios, .libdw, handlerPoints.union([.interrupt]))
            let wrongClaims = (handlerReliable?.wrongButClaimedReliable ?? 0) + (irqReliable?.wrongButClaimedReliable ?? 0)
            if wrongClaims > 0 { claimedWrong.append(mechanism) }
            if let plain = handlerPlain, plain.wrong > 0 { plainHandlerErrors.append(mechanism) }
            rows.append([mechanism] + [WalkPoint.entryHandler, .exitHandler, .calleeWhileHooked].map {
                             fraction(tally(scenarios, .guest, [$0]))
                         } + [
                         handlerReliable.map { "\($0.correct) ok, \($0.refused) refused" } ?? "–",
                         fraction(irqPlain), irqReliable.map { "\($0.correct) ok, \($0.refused) refused" } ?? "–",
                         irqPlain?.masked.map(String.init) ?? "–", String(wrongClaims), fraction(libdw)])
            chartSeries[0].values.append(percentCorrect(handlerPlain))
            chartSeries[1].values.append(percentCorrect(irqPlain))
            chartSeries[2].values.append(percentCorrect(libdw))
        }
        let realClaims = claimedWrong.filter { $0 != verifierControl }
        let reliableWalks = withWalks.filter { $0.mechanism != verifierControl }.flatMap(\.walks)
            .filter { $0.walker == .guestReliable && $0.unavailable == nil }
        let reliableTotal = reliableWalks.reduce(0) { $0 + $1.total }
        let reliableRefused = reliableWalks.reduce(0) { $0 + $1.refused }
        // Only the walks it accepted can be wrong but claimed reliable: a refusal claims nothing.
        var verdict = realClaims.isEmpty
            ? "No tracing path fooled the reliable walker: of the \(reliableTotal - reliableRefused) walks it vouched for (it "
                + "refused \(reliableRefused) of the \(reliableTotal) it was asked for), none on a real path was wrong."
            : "The reliable walker claimed wrong traces on \(realClaims.joined(separator: ", ")): that must never happen."
        if claimedWrong.contains(verifierControl) {
            verdict += " The deliberately broken \(verifierControl) trampoline did fool it, as it must for the check to mean anything."
        } else if mechanisms.contains(verifierControl) {
            verdict += " The deliberately broken \(verifierControl) trampoline did not fool it in this run, so this run does not "
                + "show that the check catches a broken trampoline."
        }
        let realPlainErrors = plainHandlerErrors.filter { $0 != verifierControl }
        if realPlainErrors.isEmpty {
            verdict += " Walks taken from handlers are exact on every real path."
        } else {
            // What went wrong, and where: the classification's counts and the points that had errors.
            let failing = withWalks.filter { realPlainErrors.contains($0.mechanism) }
            let kinds = tally(failing, .guest, handlerPoints).map(Self.failureKinds) ?? []
            let points = [(WalkPoint.entryHandler, "entry handler"), (.exitHandler, "exit handler"),
                          (.calleeWhileHooked, "callee while the return hook is armed")]
                .filter { (tally(failing, .guest, [$0.0])?.wrong ?? 0) > 0 }.map(\.1)
            verdict += " Walks taken from handlers are wrong on \(realPlainErrors.joined(separator: ", ")) ("
                + kinds.joined(separator: ", ") + "; in the " + points.joined(separator: " and ") + ")."
        }
        let irqPlain = tally(withWalks.filter { $0.mechanism != verifierControl }, .guest, [.interrupt])
        if let irqPlain, irqPlain.total > 0 {
            verdict += " From an interrupt, the plain walker is right \(irqPlain.correct) of \(irqPlain.total) times"
            let causes = Self.failureKinds(irqPlain)
            verdict += causes.isEmpty ? "." : ": " + causes.joined(separator: ", ") + "."
            // The untraced call's own IRQ walks fail too where a prologue or epilogue has no frame record yet.
            if let untraced = tally(withWalks.filter { $0.mechanism == Mechanism.none.rawValue }, .guest, [.interrupt]),
               untraced.wrong > 0 {
                verdict += " Of those, \(untraced.wrong) of none's \(untraced.total) are wrong too, without any tracer."
            }
            if let irqReliable = tally(withWalks.filter { $0.mechanism != verifierControl }, .guestReliable, [.interrupt]) {
                verdict += " The reliable walker refused \(irqReliable.refused) of those \(irqReliable.total) interrupt walks."
            }
        }
        let maskedPaths = mechanisms.compactMap { mechanism -> (String, Int)? in
            guard let masked = tally(withWalks.filter { $0.mechanism == mechanism }, .guest, [.interrupt])?.masked,
                  masked > 0 else { return nil }
            return (mechanism, masked)
        }
        if !maskedPaths.isEmpty {
            verdict += " IRQs are masked for part of the call on "
                + maskedPaths.map { "\($0.0) (\($0.1) instructions)" }.joined(separator: ", ")
                + ": an IRQ raised there is taken at the next unmasked instruction, so an interrupt-driven sampler never "
                + "lands inside them; each such IRQ is walked once where it was taken."
        }
        let libdwAll = tally(withWalks.filter { $0.mechanism != verifierControl }, .libdw, handlerPoints.union([.interrupt]))
        if let libdwAll, libdwAll.unavailable == nil, libdwAll.total > 0 {
            verdict += " libdw's DWARF unwinder got \(libdwAll.correct) of \(libdwAll.total) right"
            let stopped = libdwAll.truncated + libdwAll.unrecoveredTrampoline
            let misplaced = libdwAll.missingFrame + libdwAll.extraFrame
            var causes: [String] = []
            if stopped > 0 { causes.append("\(stopped) stopped short or at a return trampoline") }
            if misplaced > 0 { causes.append("\(misplaced) lost or doubled a frame") }
            verdict += causes.isEmpty ? "." : ": " + causes.joined(separator: "; ") + "."
        } else if let reason = libdwAll?.unavailable {
            verdict += " The libdw reference was unavailable (\(reason))."
        }

        var blocks: [ReportBlock] = [
            .paragraph("Ground truth is the emulator's shadow call stack. Walks are taken in entry handlers, exit handlers, a callee while the return hook is armed, and from an IRQ injected before every instruction of the probed call (where IRQs are masked it is taken at the next unmasked instruction, and that moment is walked once). A refusal by the reliable walker is safe; a wrong walk it claims reliable is the failure that matters."),
            .table(ReportTable(caption: "Walks per path (correct/total)",
                               headers: ["mechanism", "entry handler walks", "exit handler walks", "callee walks (return hook armed)",
                                         "handler walks, reliable", "IRQ walks",
                                         "IRQ walks, reliable", "instructions with IRQs masked", "wrong but claimed reliable",
                                         "libdw"],
                               rows: rows, numericColumns: [7, 8])),
            .barChart(BarChart(title: "Correct walks per path", unit: "% of walks", categories: mechanisms, series: chartSeries)),
            .verdict(verdict),
        ]
        let examplePoints = handlerPoints.union([.interrupt])
        let examples = withWalks.flatMap { scenario in
            scenario.walks.filter { examplePoints.contains($0.point) }.flatMap { walk in walk.examples.prefix(1).map { (scenario.id, walk, $0) } }
        }
        if !examples.isEmpty {
            let text = examples.prefix(10).map { id, walk, example in
                "\(id) · \(walk.point.rawValue) · \(walk.walker.rawValue): \(example.verdict)"
                    + (example.interruptedAt.map { " (IRQ before \($0))" } ?? "")
                    + "\n  expected: \(example.expected.joined(separator: " ← "))\n  got:      \(example.actual.joined(separator: " ← "))"
            }.joined(separator: "\n")
            blocks.append(.paragraph("Examples of wrong walks (innermost first):"))
            blocks.append(.code(text))
        }
        return ReportSection(title: title, blocks: blocks)
    }

    static func stackUse(_ index: ResultsIndex) -> ReportSection? {
        let title = "How much stack does each path use?"
        let cpu = index.primaryCPU
        guard let (workload, scenarios) = index.pathsOnReferenceWorkload(cpu: cpu) else {
            return missing(title, "count-handler scenarios")
        }
        guard let most = scenarios.max(by: { $0.metrics.stackBytes.overhead < $1.metrics.stackBytes.overhead }),
              let least = scenarios.min(by: { $0.metrics.stackBytes.overhead < $1.metrics.stackBytes.overhead }) else {
            return missing(title, "mechanisms")
        }
        let rows = scenarios.map { s in
            [s.mechanism, cycles(s.metrics.stackBytes.overhead), s.metrics.stackAtHandlerEntry.map(cycles) ?? "–"]
        }
        let stack: (ScenarioResult) -> Double = { $0.metrics.stackBytes.overhead }
        let mostTie = tied(most, in: scenarios, stack)
        let verdict = scenarios.count < 2
            ? "\(most.mechanism) uses \(cycles(most.metrics.stackBytes.overhead)) bytes of extra stack on \(workload) (\(cpu)); no other path was measured there."
            : cycles(most.metrics.stackBytes.overhead) == cycles(least.metrics.stackBytes.overhead)
            ? "All \(scenarios.count) paths use the same extra stack on \(workload) (\(cpu)): \(cycles(most.metrics.stackBytes.overhead)) bytes below the caller's frame beyond none's."
            : "\(mostTie.names) \(mostTie.several ? "use" : "uses") the most extra stack (\(cycles(most.metrics.stackBytes.overhead)) bytes below the caller's frame beyond none's) and \(tied(least, in: scenarios, stack).names) the least (\(cycles(least.metrics.stackBytes.overhead)) bytes), on \(workload) (\(cpu))."
        return ReportSection(title: title, blocks: [
            .paragraph("Extra stack: the lowest SP reached during a probed call, below the caller's SP, minus the same in `none`. At handler entry: stack already consumed below the caller's SP when the entry handler starts."),
            .table(ReportTable(caption: "Stack per call on \(workload) (\(cpu))",
                               headers: ["mechanism", "extra stack bytes", "stack at handler entry (bytes)"],
                               rows: rows, numericColumns: [1, 2])),
            .barChart(BarChart(title: "Extra stack per path", unit: "bytes", categories: scenarios.map(\.mechanism), series: [
                BarChart.Series(name: "extra stack", values: scenarios.map { $0.metrics.stackBytes.overhead }),
            ])),
            .verdict(verdict),
        ])
    }

    static func attachDetach(_ index: ResultsIndex) -> ReportSection? {
        let title = "What do attaching and detaching cost?"
        let cpu = index.primaryCPU
        guard let (workload, scenarios) = index.pathsOnReferenceWorkload(cpu: cpu), !scenarios.isEmpty else {
            return missing(title, "count-handler scenarios")
        }
        /// "attaching costs from 4535 cycles (fgraph) to 5845 (direct-plt)", or one figure where all read the same.
        func span(_ what: String, _ value: (ScenarioResult) -> Double) -> String {
            let low = scenarios.min { value($0) < value($1) }!, high = scenarios.max { value($0) < value($1) }!
            if cycles(value(low)) == cycles(value(high)) {
                return scenarios.count == 1 ? "\(what) \(low.mechanism) costs \(amount(value(low), "cycles"))"
                    : "\(what) costs \(amount(value(low), "cycles")) on every path"
            }
            return "\(what) costs from \(amount(value(low), "cycles")) (\(low.mechanism)) to \(cycles(value(high))) (\(high.mechanism))"
        }
        var verdict = "On \(workload) (\(cpu)), " + span("attaching", \.metrics.attachCycles) + "; "
            + span("detaching", \.metrics.detachCycles) + "."
        let dearerToDetach = scenarios.filter { $0.metrics.detachCycles >= $0.metrics.attachCycles }.map(\.mechanism)
        verdict += dearerToDetach.isEmpty ? " Detaching is cheaper than attaching\(scenarios.count > 1 ? " on every path" : "")."
            : " Detaching costs at least as much as attaching on \(dearerToDetach.joined(separator: ", "))."
        verdict += scenarios.count == 1 ? " No other path was measured there." : ""
        return ReportSection(title: title, blocks: [
            .paragraph("Cycles the guest takes to attach each path to the workload's function, from predictors and caches reset cold, and to detach it after the measured calls; the guest's own text patching and cache maintenance included. Count handler."),
            .table(ReportTable(caption: "Attach and detach on \(workload) (\(cpu))",
                               headers: ["mechanism", "attach cycles", "detach cycles"],
                               rows: scenarios.map { [$0.mechanism, cycles($0.metrics.attachCycles), cycles($0.metrics.detachCycles)] },
                               numericColumns: [1, 2])),
            .barChart(BarChart(title: "Attach and detach per path", unit: "cycles", categories: scenarios.map(\.mechanism), series: [
                BarChart.Series(name: "attach", values: scenarios.map { $0.metrics.attachCycles }),
                BarChart.Series(name: "detach", values: scenarios.map { $0.metrics.detachCycles }),
            ])),
            .verdict(verdict),
        ])
    }

    static func cpuSensitivity(_ index: ResultsIndex) -> ReportSection? {
        let title = "Do the answers change across CPU profiles?"
        guard index.cpus.count > 1 else {
            return ReportSection(title: title, blocks: [.verdict("Not answered by this run: it measured one CPU profile (\(index.primaryCPU)). A run with several (`--cpu` given more than once) answers it.")])
        }
        guard let workload = index.referenceWorkload(cpu: index.primaryCPU) else { return missing(title, "count-handler scenarios") }
        let mechanisms = index.mechanisms(workload: workload, cpu: index.primaryCPU).filter { $0 != "none" }
        let rows = mechanisms.map { mechanism in
            [mechanism] + index.cpus.map { cpu in index.scenario(mechanism, workload: workload, cpu: cpu).map { cycles($0.totalOverhead) } ?? "–" }
        }
        let rankings = index.cpus.map { cpu in
            mechanisms.compactMap { index.scenario($0, workload: workload, cpu: cpu) }.sorted { $0.totalOverhead < $1.totalOverhead }.map(\.mechanism)
        }
        let cheapest = rankings.map { $0.first ?? "–" }
        let sameOrder = Set(rankings).count == 1
        var verdict: String
        if sameOrder {
            verdict = "The ranking of all \(mechanisms.count) paths by total overhead is the same on every profile (\(index.cpus.joined(separator: ", ")))."
        } else if Set(cheapest).count == 1 {
            verdict = "\(cheapest[0]) is the cheapest path on every profile, but the order of the others changes"
            // Name one pair whose order flips, with its figures.
            let totals = { (mechanism: String, cpu: String) in index.scenario(mechanism, workload: workload, cpu: cpu)?.totalOverhead }
            flip: for a in mechanisms {
                for b in mechanisms where a < b {
                    let orders = index.cpus.compactMap { cpu -> (String, Bool)? in
                        guard let x = totals(a, cpu), let y = totals(b, cpu), x != y else { return nil }
                        return (cpu, x < y)
                    }
                    if let first = orders.first(where: { $0.1 }), let second = orders.first(where: { !$0.1 }) {
                        verdict += ": \(a) is cheaper than \(b) on \(first.0) (\(cycles(totals(a, first.0)!)) vs \(cycles(totals(b, first.0)!)) cycles) but dearer on \(second.0) (\(cycles(totals(a, second.0)!)) vs \(cycles(totals(b, second.0)!)))"
                        break flip
                    }
                }
            }
            verdict += "."
        } else {
            verdict = "The ranking changes across profiles: the cheapest path is \(zip(index.cpus, cheapest).map { "\($1) on \($0)" }.joined(separator: ", "))."
        }
        if let spread = mechanisms.compactMap({ mechanism -> (String, Double)? in
            let values = index.cpus.compactMap { index.scenario(mechanism, workload: workload, cpu: $0)?.totalOverhead }
            guard let low = values.min(), let high = values.max(), low > 0 else { return nil }
            return (mechanism, high / low)
        }).max(by: { $0.1 < $1.1 }) {
            verdict += " The most profile-sensitive path is \(spread.0), whose overhead varies \(String(format: "%.1f", spread.1))× between profiles."
        }
        return ReportSection(title: title, blocks: [
            .table(ReportTable(caption: "Total overhead per call on \(workload) (cycles)", headers: ["mechanism"] + index.cpus,
                               rows: rows, numericColumns: Set(1...index.cpus.count))),
            .barChart(BarChart(title: "Total overhead by profile on \(workload)", unit: "cycles per call", categories: mechanisms,
                               series: index.cpus.map { cpu in
                BarChart.Series(name: cpu, values: mechanisms.map { index.scenario($0, workload: workload, cpu: cpu)?.totalOverhead })
            })),
            .verdict(verdict),
        ])
    }

    static func scalingCurves(_ index: ResultsIndex) -> ReportSection? {
        let title = "How do costs scale?"
        let curves = index.results.scaling
        guard !curves.isEmpty else { return missing(title, "scaling curves") }
        var blocks: [ReportBlock] = []
        let groups = Dictionary(grouping: curves) { "\($0.parameter.rawValue)|\($0.quantity)" }
        for key in groups.keys.sorted() {
            let group = groups[key]!
            let parameter = group[0].parameter
            let xLabel: String, unit: String
            switch parameter {
            case .registeredOps: (xLabel, unit) = ("registered ops", "ops")
            case .sharedOps: (xLabel, unit) = ("other tracers' ops on the function", "ops")
            case .attachedFunctions: (xLabel, unit) = ("attached functions", "function")
            case .stackDepth: (xLabel, unit) = ("stack depth", "level")
            }
            let quantity = group[0].quantity
            blocks.append(.lineChart(LineChart(title: "\(quantity.capitalizedFirst) by \(xLabel)", xLabel: xLabel, yLabel: quantity,
                                               series: group.map { curve in
                LineChart.Series(name: "\(curve.mechanism)@\(curve.cpu)", points: curve.points.map { ($0.x, $0.y) })
            })))
            let slopes = Self.slopes(group)
            let subject = "The slope of \(quantity) against \(xLabel)"
            if slopes.count == 1 {
                let (curve, slope) = slopes[0]
                blocks.append(.verdict("\(subject) is \(cycles(slope)) per \(unit) for \(curve.mechanism)@\(curve.cpu) (least squares over \(fitted(curve).count) points\(Self.fromOneOps(curve.parameter))); no other path has this curve in the run."))
            } else if let steepest = slopes.max(by: { abs($0.1) < abs($1.1) }), let flattest = slopes.min(by: { abs($0.1) < abs($1.1) }) {
                // By magnitude: a cost that falls as fast as another grows is as steep (its sign is printed).
                // Equal as printed: naming one curve as both steepest and flattest would say nothing.
                if cycles(steepest.1) == cycles(flattest.1) {
                    blocks.append(.verdict("\(subject) is \(cycles(steepest.1)) per \(unit) on all \(slopes.count) curves (least squares)."))
                } else {
                    func direction(_ slope: Double) -> String { slope < 0 ? ", falling" : "" }
                    var verdict = "\(subject) changes most for \(steepest.0.mechanism)@\(steepest.0.cpu) (\(cycles(steepest.1)) per \(unit)"
                        + "\(direction(steepest.1))) and least for \(flattest.0.mechanism)@\(flattest.0.cpu) (\(cycles(flattest.1)) per "
                        + "\(unit)\(direction(flattest.1)); least squares over \(slopes.count) curves)."
                    // A curve that goes up and down is not described by its slope.
                    let uneven = slopes.map(\.0).filter { curve in
                        let ys = fitted(curve).sorted { $0.x < $1.x }.map(\.y)
                        return !(zip(ys, ys.dropFirst()).allSatisfy { $0 <= $1 } || zip(ys, ys.dropFirst()).allSatisfy { $0 >= $1 })
                    }
                    if !uneven.isEmpty {
                        verdict += " Not monotonic, so a slope describes them poorly: "
                            + uneven.map { "\($0.mechanism)@\($0.cpu) (\(fitted($0).sorted { $0.x < $1.x }.map { cycles($0.y) }.joined(separator: ", ")))" }
                                .joined(separator: "; ") + "."
                    }
                    blocks.append(.verdict(verdict))
                }
            }
        }
        return ReportSection(title: title, blocks: blocks)
    }

    static func allScenarios(_ index: ResultsIndex) -> ReportSection? {
        let scenarios = index.allScenarios
        guard !scenarios.isEmpty else { return nil }
        let rows = scenarios.map { s in [s.id] + overheadRows([s])[0].dropFirst() }
        return ReportSection(title: "Every scenario", blocks: [
            .table(ReportTable(caption: "Overhead per call against none (steady state, except first hit)", headers: ["scenario"] + overheadHeaders.dropFirst(),
                               rows: rows, numericColumns: Set(1..<overheadHeaders.count))),
        ])
    }

    static func method() -> ReportSection {
        ReportSection(title: "How these numbers were measured", blocks: [
            .paragraph("Entry window: from the driver's call instruction to the second instruction of the traced function's body (every mechanism has finished its entry work there, a kprobe on the first body instruction included). Exit window: from the traced function's last RET to the driver's next instruction. Both are averaged over the measured calls, which follow the warm-up calls in the same guest driver loop (steady state); first hit is the first call after attaching, with predictors and caches reset cold before the attach."),
            .paragraph("Attach and detach cycles include the guest's own text patching and its cache maintenance, which is held to the architecture's rules: an instruction fetched after the guest wrote it without DC CVAU, DSB, IC IVAU, DSB and a context synchronization event stops the scenario. Cycles by symbol charge each block of the measured calls, and each exception's entry, to the symbol it starts at; while they are charged, a block ends where the next symbol or allocated-code area starts, so no instruction is charged to a neighbour. Stack figures come from the emulator's SP low-water mark. Stack walks are compared address by address with the shadow call stack, which follows calls, returns, tail calls, exceptions and ERET as they happen, so it knows every frame even while a tracer has replaced return addresses."),
        ])
    }

    /// Each curve with its least-squares slope, leaving out curves that have none.
    static func slopes(_ curves: [ScalingCurve]) -> [(ScalingCurve, Double)] {
        curves.compactMap { curve in slope(fitted(curve)).map { (curve, $0) } }
    }

    /// The points a curve's slope is fitted to: an ops curve's point at 0 ops has nothing attached,
    /// so going from it to one ops is the whole path's cost, not one more ops'; a shared-ops curve's
    /// point at 0 is the path alone, and going to one changes how the trampoline dispatches.
    static func fitted(_ curve: ScalingCurve) -> [ScalingPoint] {
        fromOneOps(curve.parameter).isEmpty ? curve.points : curve.points.filter { $0.x > 0 }
    }

    /// Why a curve's slope starts at 1 ops (empty for curves fitted over every point).
    static func fromOneOps(_ parameter: ScalingCurve.Parameter) -> String {
        switch parameter {
        case .registeredOps: ", from 1 ops: at 0 nothing is attached"
        case .sharedOps: ", from 1 ops: at 0 the path traces the function alone"
        case .attachedFunctions, .stackDepth: ""
        }
    }

    /// The least-squares slope of y over x, or nil with fewer than two distinct x.
    static func slope(_ points: [ScalingPoint]) -> Double? {
        guard Set(points.map(\.x)).count >= 2 else { return nil }
        let n = Double(points.count)
        let meanX = points.map(\.x).reduce(0, +) / n, meanY = points.map(\.y).reduce(0, +) / n
        let covariance = points.reduce(0) { $0 + ($1.x - meanX) * ($1.y - meanY) }
        let variance = points.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) }
        return covariance / variance
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
