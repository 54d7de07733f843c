import Testing
@testable import Harness
@testable import Reports

/// The design report's verdicts follow the run's numbers, and a question the run did not measure says so.
@Suite struct DesignReportTests {
    /// A count-handler scenario on `leaf` whose entry window takes `exceptions` exceptions per call.
    static func scenario(_ mechanism: String, entryCycles: Double, exceptions: Double = 0,
                         walks: [WalkVerification] = []) -> ScenarioResult {
        var scenario = ResultsFixtures.scenario(mechanism, entryCycles: entryCycles)
        scenario.metrics.entry.steady.measured.exceptions = exceptions
        scenario.walks = walks
        return scenario
    }

    static func section(_ title: String, _ results: RunResults) -> ReportSection? {
        DesignReport.build(results).sections.first { $0.title.hasPrefix(title) }
    }

    static func verdicts(_ section: ReportSection?) -> [String] {
        section?.blocks.compactMap { if case .verdict(let text) = $0 { text } else { nil } } ?? []
    }

    /// The two-hooks section: the pair against the two alone added, stacked scenarios kept out of
    /// the single-path questions, and a walker that does worse beside the other hook named with
    /// its walk point.
    @Test func twoHooksOnOneFunctionAreComparedWithEachAlone() throws {
        func walks(_ correct: Int) -> [WalkVerification] {
            [WalkVerification(point: .calleeWhileHooked, walker: .guest, total: 4, correct: 4),
             WalkVerification(point: .calleeWhileHooked, walker: .libdw, total: 4, correct: correct)]
        }
        var pair = Self.scenario("kretprobe-brk", entryCycles: 500, walks: walks(0))
        pair.alongside = "fgraph"
        let results = ResultsFixtures.run("r", scenarios: [
            pair, Self.scenario("kretprobe-brk", entryCycles: 420, walks: walks(4)), Self.scenario("fgraph", entryCycles: 60),
        ])
        let verdict = try #require(Self.verdicts(Self.section("Two hooks on one function", results)).first)
        // Entry and exit windows are both the fixture's: (500 - 10) * 2 against (410 + 50) * 2.
        #expect(verdict.contains("kretprobe-brk+fgraph costs 980 cycles per call"), "\(verdict)")
        #expect(verdict.contains("60 cycles") && verdict.contains("more per call than the two alone added"), "\(verdict)")
        #expect(verdict.contains("the guest's walker is right on 4 of 4 walks, and does as well as alone at all 1 walk point"),
                "\(verdict)")
        #expect(verdict.contains("libdw is right on 0 of 4 walks") && verdict.contains("not at kretprobe-brk+fgraph/count/leaf callee"),
                "\(verdict)")
        // The single-path questions see kretprobe-brk alone only.
        let returns = try #require(Self.section("Return probes", results))
        let rows = returns.blocks.compactMap { if case .table(let table) = $0 { table.rows } else { nil } }.flatMap { $0 }
        #expect(!rows.contains { $0.first == "kretprobe-brk+fgraph" } && rows.contains { $0.first == "kretprobe-brk" })
    }

    @Test func eachKprobeReportsItsOwnExceptionCount() throws {
        let results = ResultsFixtures.run("r", scenarios: [
            Self.scenario("kprobe-xol", entryCycles: 300, exceptions: 2),
            Self.scenario("kprobe-sim", entryCycles: 250, exceptions: 1),
            Self.scenario("ftrace-regs", entryCycles: 50),
        ])
        let verdict = try #require(Self.verdicts(Self.section("How much slower is a BRK kprobe", results)).first)
        #expect(verdict.contains("kprobe-xol 2"))
        #expect(verdict.contains("kprobe-sim 1"))
        #expect(verdict.contains("ftrace-regs 0"))
    }

    /// The cheapest kprobe in steady state is not called cheapest without saying where it is not.
    @Test func theCheapestKprobesFirstHitAndStackAreWeighed() throws {
        var sim = Self.scenario("kprobe-sim", entryCycles: 250, exceptions: 1)
        sim.metrics.entry.firstHit = Comparison(measured: ResultsFixtures.counters(cycles: 2000), baseline: ResultsFixtures.counters(cycles: 10))
        sim.metrics.stackBytes = Comparison(measured: 900, baseline: 16)
        let results = ResultsFixtures.run("r", scenarios: [sim, Self.scenario("kprobe-xol", entryCycles: 300, exceptions: 2),
                                                           Self.scenario("ftrace-regs", entryCycles: 50)])
        let verdict = try #require(Self.verdicts(Self.section("How much slower is a BRK kprobe", results)).first)
        #expect(verdict.contains("kprobe-sim, costs 240 cycles on entry") && verdict.contains("though it has the dearest first hit")
                && verdict.contains("the most extra stack of them (884 bytes)"), "\(verdict)")
        let plain = ResultsFixtures.run("r", scenarios: [Self.scenario("kprobe-sim", entryCycles: 250),
                                                         Self.scenario("kprobe-xol", entryCycles: 300)])
        #expect(try #require(Self.verdicts(Self.section("How much slower is a BRK kprobe", plain)).first).contains("though") == false)
    }

    @Test func theVerifiersControlMustBeCaughtOrTheReportSaysSo() throws {
        let fooled = WalkVerification(point: .entryHandler, walker: .guestReliable, total: 4, correct: 0, missingFrame: 4,
                                      wrongButClaimedReliable: 4)
        let notFooled = WalkVerification(point: .entryHandler, walker: .guestReliable, total: 4, correct: 4)
        let real = Self.scenario("ftrace-args", entryCycles: 40,
                                 walks: [WalkVerification(point: .entryHandler, walker: .guestReliable, total: 6, correct: 6)])
        let caught = ResultsFixtures.run("r", scenarios: [real, Self.scenario("ftrace-args-nofp", entryCycles: 40, walks: [fooled])])
        let missed = ResultsFixtures.run("r", scenarios: [real, Self.scenario("ftrace-args-nofp", entryCycles: 40, walks: [notFooled])])

        let caughtVerdict = try #require(Self.verdicts(Self.section("Which paths give correct", caught)).first)
        #expect(caughtVerdict.contains("did fool it"))
        // The control's walks are not counted among the real paths' reliable walks.
        #expect(caughtVerdict.contains("of the 6 walks it vouched for (it refused 0 of the 6 it was asked for)"))
        let missedVerdict = try #require(Self.verdicts(Self.section("Which paths give correct", missed)).first)
        #expect(missedVerdict.contains("did not fool it"))
    }

    /// The reliable walker is credited only with the walks it accepted, handler walks' failures are
    /// named by kind and point, and the untraced call's own IRQ failures are told apart.
    @Test func walkVerdictsSayWhatFailedAndWhatWasVouchedFor() throws {
        let refusing = WalkVerification(point: .entryHandler, walker: .guestReliable, total: 10, correct: 4, refused: 6)
        let entryMisses = WalkVerification(point: .entryHandler, walker: .guest, total: 10, correct: 7, missingFrame: 3)
        let exitExact = WalkVerification(point: .exitHandler, walker: .guest, total: 10, correct: 10)
        let irqNone = WalkVerification(point: .interrupt, walker: .guest, total: 5, correct: 3, missingFrame: 2)
        let results = ResultsFixtures.run("r", scenarios: [
            Self.scenario("kprobe-xol", entryCycles: 300, walks: [refusing, entryMisses, exitExact]),
            Self.scenario("none", entryCycles: 10, walks: [irqNone]),
        ])
        let verdict = try #require(Self.verdicts(Self.section("Which paths give correct", results)).first)
        #expect(verdict.contains("of the 4 walks it vouched for (it refused 6 of the 10 it was asked for)"), "\(verdict)")
        #expect(verdict.contains("wrong on kprobe-xol (3 miss a frame; in the entry handler)"), "\(verdict)")
        #expect(verdict.contains("2 of none's 5 are wrong too, without any tracer"), "\(verdict)")
    }

    /// Paths that tie are named together, near-ties are said to be near, and a curve that goes up
    /// and down is said to be poorly described by its slope.
    @Test func tiesAndUnevenCurvesAreNamed() throws {
        func scenario(_ mechanism: String, _ cycles: Double, stack: Double) -> ScenarioResult {
            var scenario = Self.scenario(mechanism, entryCycles: cycles)
            scenario.metrics.stackBytes = Comparison(measured: stack, baseline: 16)
            return scenario
        }
        var results = ResultsFixtures.run("r", scenarios: [
            scenario("direct-bl", 41, stack: 192), scenario("direct-plt", 42, stack: 192), scenario("ftrace-callops", 43, stack: 208),
            scenario("ftrace-list", 90, stack: 240),
        ])
        let stack = try #require(Self.verdicts(Self.section("How much stack", results)).first)
        #expect(stack.contains("direct-bl and direct-plt the least (176 bytes)"), "\(stack)")
        let dispatch = try #require(Self.verdicts(Self.section("Direct calls vs the ops list", results)).first)
        #expect(dispatch.contains("direct-bl is the cheapest dispatch"), "\(dispatch)")
        #expect(dispatch.contains("direct-plt, ftrace-callops are within 2 cycles of it"), "\(dispatch)")
        func curve(_ mechanism: String, _ ys: [Double]) -> ScalingCurve {
            ScalingCurve(parameter: .stackDepth, mechanism: mechanism, handler: "count", workload: "recursive", cpu: "cortex-a72",
                         quantity: "overhead cycles per traced call",
                         points: ys.enumerated().map { ScalingPoint(x: Double($0.offset + 1), y: $0.element) })
        }
        results.scaling = [curve("fgraph", [100, 110, 120]), curve("kretprobe-brk", [680, 640, 670])]
        let scaling = try #require(Self.verdicts(Self.section("How do costs scale?", results)).first)
        #expect(scaling.contains("Not monotonic, so a slope describes them poorly: kretprobe-brk@cortex-a72 (680, 640, 670)"),
                "\(scaling)")
        #expect(!scaling.contains("fgraph@cortex-a72 (100"), "\(scaling)")
    }

    /// Fetch costs are compared between the register sets window by window: an entry kprobe is not
    /// paired with a return fprobe that happens to fetch the same text.
    @Test func fetchCostsArePairedWithinAWindow() throws {
        func cost(_ mechanism: String, _ registers: String, _ window: String, _ definition: String, cycles: Double) -> FetchCost {
            FetchCost(definition: definition, canonicalDefinition: definition, mechanism: mechanism, registers: registers,
                      window: window, cpu: "cortex-a72", workload: "typed", arguments: 1, fetchOps: 3, measuredCalls: 4,
                      withFetch: WindowCounters(cycles: cycles), withEmptyRecord: WindowCounters(cycles: 1100),
                      withCount: WindowCounters(cycles: 1000))
        }
        var results = ResultsFixtures.run("r", scenarios: [])
        results.fetchCosts = [cost("kprobe-xol", "pt_regs", "entry", "p:a/b f x", cycles: 1300),
                              cost("fprobe", "ftrace_regs", "exit", "f:a/c f x", cycles: 1200)]
        let unpaired = try #require(Self.verdicts(Self.section("What does fetching", results)).first)
        #expect(unpaired.hasPrefix("Not answered by this run: no definition was measured on both"), "\(unpaired)")
        results.fetchCosts.append(cost("fprobe", "ftrace_regs", "entry", "f:a/d f x", cycles: 1250))
        let paired = try #require(Self.verdicts(Self.section("What does fetching", results)).first)
        #expect(paired.contains("(kprobe-xol) costs 50 cycles") && paired.contains("in the entry window"), "\(paired)")
    }

    /// The walk table splits handler walks by where they were taken, so a path that fails only at
    /// entry (a BRK before the frame record is saved) is told from one that fails at exit.
    @Test func walkTablesSplitHandlerWalksByPoint() throws {
        let results = ResultsFixtures.run("r", scenarios: [Self.scenario("kprobe-xol", entryCycles: 300, walks: [
            WalkVerification(point: .entryHandler, walker: .guest, total: 10, correct: 7, missingFrame: 3),
            WalkVerification(point: .calleeWhileHooked, walker: .guest, total: 5, correct: 5),
        ])])
        let section = try #require(Self.section("Which paths give correct", results))
        let table = try #require(section.blocks.compactMap { if case .table(let table) = $0 { table } else { nil } }.first)
        let row = Dictionary(uniqueKeysWithValues: zip(table.headers, table.rows[0]))
        #expect(row["entry handler walks"] == "7/10" && row["exit handler walks"] == "–"
                && row["callee walks (return hook armed)"] == "5/5", "\(row)")
        #expect(table.numericColumns == Set([table.headers.firstIndex(of: "instructions with IRQs masked")!,
                                             table.headers.firstIndex(of: "wrong but claimed reliable")!]))
    }

    /// A run that measured less on some profiles says what each holds instead of claiming all cover alike.
    @Test func theOverviewSaysWhatEachProfileHolds() throws {
        let uneven = ResultsFixtures.run("r", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40),
                                                         ResultsFixtures.scenario("kprobe-xol", entryCycles: 300),
                                                         ResultsFixtures.scenario("ftrace-args", entryCycles: 50, cpu: "cortex-a53")],
                                         cpus: ["cortex-a72", "cortex-a53"])
        func overview(_ results: RunResults) -> String {
            Self.section("Overview", results)?.blocks.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
                .first { $0.hasPrefix("Questions about one path") } ?? ""
        }
        #expect(overview(uneven).contains("cortex-a72 2 scenarios, 0 curves and 0 fetch costs; cortex-a53 1 scenario, 0 curves"),
                "\(overview(uneven))")
        let even = ResultsFixtures.run("r", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40),
                                                       ResultsFixtures.scenario("ftrace-args", entryCycles: 50, cpu: "cortex-a53")],
                                       cpus: ["cortex-a72", "cortex-a53"])
        #expect(overview(even).contains("cover all 2 profiles alike"), "\(overview(even))")
    }

    /// Where a path masks IRQs the verdict names it with its count, summed over its sweeps; where
    /// none does, it says nothing about masking.
    @Test func pathsThatMaskIRQsAreNamedWithTheirMaskedInstructions() throws {
        func irq(_ masked: Int) -> [WalkVerification] {
            [WalkVerification(point: .interrupt, walker: .guest, total: 5, correct: 5, masked: masked)]
        }
        var second = Self.scenario("kprobe-xol", entryCycles: 300, walks: irq(7))
        second.workload = "args"
        let masking = ResultsFixtures.run("r", scenarios: [
            Self.scenario("ftrace-args", entryCycles: 40, walks: irq(0)),
            Self.scenario("kprobe-xol", entryCycles: 300, walks: irq(311)), second,
        ])
        let verdict = try #require(Self.verdicts(Self.section("Which paths give correct", masking)).first)
        #expect(verdict.contains("masked for part of the call on kprobe-xol (318 instructions)"), "\(verdict)")
        #expect(!verdict.contains("ftrace-args ("))
        let none = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-args", entryCycles: 40, walks: irq(0))])
        #expect(!(try #require(Self.verdicts(Self.section("Which paths give correct", none)).first)).contains("masked"))
    }

    /// Paths are grouped by the symbol that spends most of their entry window, with its share.
    @Test func theCycleAttributionVerdictNamesEachPathsLargestShare() throws {
        func attributed(_ mechanism: String, _ costs: [(String, Double)]) -> ScenarioResult {
            var scenario = Self.scenario(mechanism, entryCycles: costs.reduce(0) { $0 + $1.1 })
            scenario.metrics.entry.steady.measured.cycles = costs.reduce(0) { $0 + $1.1 }
            scenario.metrics.entryBySymbol = costs.map { SymbolCost(symbol: $0.0, counters: WindowCounters(cycles: $0.1, instructions: 1)) }
            scenario.metrics.exitBySymbol = []
            return scenario
        }
        let results = ResultsFixtures.run("r", scenarios: [
            attributed("ftrace-args", [("ftrace_caller", 15), ("handler", 5)]),
            attributed("fgraph", [("ftrace_caller", 10), ("fgraph_entry", 30)]),
            attributed("kprobe-xol", [("el1h_sync", 210), ("kprobe_brk_handler", 190)]),
            attributed("ftrace-regs", [("ftrace_caller", 10)]),
        ])
        let section = try #require(Self.section("Where does each path spend its cycles?", results))
        let verdict = try #require(Self.verdicts(section).first)
        #expect(verdict.contains("ftrace_caller on ftrace-args, ftrace-regs (75–100% of the entry window)"), "\(verdict)")
        #expect(verdict.contains("fgraph_entry on fgraph (75% of the entry window)"), "\(verdict)")
        #expect(verdict.contains("el1h_sync on kprobe-xol (53% of the entry window)"), "\(verdict)")
        let withoutAttribution = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-args", entryCycles: 40)])
        #expect(Self.verdicts(Self.section("Where does each path spend", withoutAttribution)).first?
            .hasPrefix("Not answered by this run") == true)
    }

    /// A `none` scenario (published for a `none` IRQ sweep) has its baseline's cycles by symbol: its
    /// row is the untraced call the paths are measured against, not a path the verdict ranks.
    @Test func theNoneRowOfTheCycleAttributionIsTheReferenceNotAPath() throws {
        func attributed(_ mechanism: String, _ costs: [(String, Double)]) -> ScenarioResult {
            var scenario = Self.scenario(mechanism, entryCycles: costs.reduce(0) { $0 + $1.1 })
            scenario.metrics.entryBySymbol = costs.map { SymbolCost(symbol: $0.0, counters: WindowCounters(cycles: $0.1, instructions: 1)) }
            scenario.metrics.exitBySymbol = []
            return scenario
        }
        let title = "Where does each path spend its cycles?"
        let none = attributed("none", [("pb_drive", 1)])
        let results = ResultsFixtures.run("r", scenarios: [none, attributed("ftrace-args", [("ftrace_caller", 15), ("handler", 5)])])
        let section = try #require(Self.section(title, results))
        #expect(Self.tables(section).first?.rows.map(\.first) == ["none", "ftrace-args"])
        let verdict = try #require(Self.verdicts(section).first)
        #expect(verdict == "On leaf (cortex-a72) the largest single share of the entry window is ftrace_caller on ftrace-args (75% of the entry window).")
        let paragraphs = section.blocks.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
        #expect(paragraphs.contains { $0.contains("The none row is the untraced call") }, "\(paragraphs)")
        let onlyNone = ResultsFixtures.run("r", scenarios: [none])
        #expect(Self.verdicts(Self.section(title, onlyNone)) == [
            "Only the untraced call (none) has cycles by symbol on leaf (cortex-a72): no tracing path was measured there."])
        let withoutNone = ResultsFixtures.run("r", scenarios: [attributed("ftrace-args", [("ftrace_caller", 15)])])
        #expect(try #require(Self.section(title, withoutNone)).blocks
            .compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
            .allSatisfy { !$0.contains("none row") })
    }

    /// Cycles by symbol that do not fit their window (which loading refuses, but results built in
    /// memory can hold) made the share of the entry window infinite, and its conversion to a
    /// percentage trapped: a window of 0 cycles is left out of the verdict, a huge share is printed.
    @Test func cyclesBySymbolThatDoNotFitTheirWindowDoNotTrap() throws {
        func attributed(_ mechanism: String, window: Double, _ costs: [(String, Double)]) -> ScenarioResult {
            var scenario = Self.scenario(mechanism, entryCycles: window)
            scenario.metrics.entryBySymbol = costs.map { SymbolCost(symbol: $0.0, counters: WindowCounters(cycles: $0.1)) }
            return scenario
        }
        let results = ResultsFixtures.run("r", scenarios: [attributed("ftrace-args", window: 0, [("ftrace_caller", 15)]),
                                                           attributed("fgraph", window: 1, [("fgraph_entry", 1e308)])])
        let verdict = try #require(Self.verdicts(Self.section("Where does each path spend its cycles?", results)).first)
        #expect(verdict == "On leaf (cortex-a72) the largest single share of the entry window is fgraph_entry on fgraph (inf% of the entry window).")
    }

    @Test func questionsTheRunDidNotMeasureSaySo() throws {
        let results = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-args", entryCycles: 40)])
        for title in ["How do costs scale?", "What does fetching a typed argument cost", "What does copying ftrace_regs",
                      "Do the answers change across CPU profiles?"] {
            let section: ReportSection = try #require(Self.section(title, results), "\(title) is missing")
            let verdicts = Self.verdicts(section)
            #expect(verdicts.count == 1 && verdicts[0].hasPrefix("Not answered by this run"), "\(title): \(verdicts)")
        }
    }

    @Test func theSharedFunctionVerdictComesFromTheCurves() throws {
        func curve(_ mechanism: String, _ ys: [Double]) -> ScalingCurve {
            ScalingCurve(parameter: .sharedOps, mechanism: mechanism, handler: "count", workload: "leaf", cpu: "cortex-a72",
                         quantity: "entry overhead cycles per call",
                         points: zip([0, 1, 2, 4], ys).map { ScalingPoint(x: $0, y: $1) })
        }
        var run = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-list", entryCycles: 60)])
        #expect(Self.verdicts(Self.section("What does another tracer on the same function cost?", run))
                == ["Not answered by this run: shared-ops curves were not measured."])
        run.scaling = [curve("ftrace-callops", [30, 130, 150, 190]), curve("ftrace-list", [70, 128, 148, 188])]
        let verdicts = Self.verdicts(Self.section("What does another tracer on the same function cost?", run))
        #expect(verdicts == ["ftrace-callops on leaf goes from 30 cycles alone to 130 cycles with one other tracer (+100), then "
                             + "20.00 cycles per further ops; ftrace-list on leaf goes from 70 cycles alone to 128 cycles with one "
                             + "other tracer (+58), then 20.00 cycles per further ops. Alone, ftrace-callops costs 40 cycles (−57.1%) "
                             + "less per call than ftrace-list; with one other tracer on the function, ftrace-callops costs 2 "
                             + "cycles (+1.6%) more per call than ftrace-list."], "\(verdicts)")
        // The scaling section fits a shared-ops slope from one ops on, as the table's last column does.
        let scaling = Self.verdicts(Self.section("How do costs scale?", run))
        #expect(scaling.count == 1 && scaling[0].contains("20.00 per ops on all 2 curves"), "\(scaling)")
    }

    @Test func scalingVerdictsComeFromTheCurvesMeasured() throws {
        func curve(_ mechanism: String, slope: Double) -> ScalingCurve {
            ScalingCurve(parameter: .registeredOps, mechanism: mechanism, handler: "count", workload: "leaf", cpu: "cortex-a72",
                         quantity: "entry overhead cycles per call",
                         // At 0 ops nothing is attached: the point is 0, below the line through the others.
                         points: [ScalingPoint(x: 0, y: 0)] + [1, 3, 5].map { ScalingPoint(x: $0, y: 20 + slope * $0) })
        }
        var one = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-list", entryCycles: 60),
                                                      Self.scenario("ftrace-callops", entryCycles: 45)])
        one.scaling = [curve("ftrace-list", slope: 15)]
        let single = Self.verdicts(Self.section("How do costs scale?", one))
        #expect(single == ["The slope of entry overhead cycles per call against registered ops is 15 per ops for ftrace-list@cortex-a72 (least squares over 3 points, from 1 ops: at 0 nothing is attached); no other path has this curve in the run."])
        // Without a CALL_OPS curve, the report makes no claim about how CALL_OPS scales.
        let dispatch = try #require(Self.verdicts(Self.section("Direct calls vs the ops list", one)).first)
        #expect(dispatch.contains("On ftrace-list, each additional registered ops costs 15 cycles per call"))
        #expect(dispatch.contains("How ftrace-callops scales with registered ops is not measured"))

        var two = one
        two.scaling.append(curve("ftrace-callops", slope: 0))
        let both = Self.verdicts(Self.section("How do costs scale?", two))
        #expect(both.count == 1 && both[0].contains("changes most for ftrace-list@cortex-a72 (15 per ops)")
                && both[0].contains("least for ftrace-callops@cortex-a72 (0 per ops;"))
        // Change is by magnitude: a falling curve is not the one that changes least because its slope is the least.
        var falling = two
        falling.scaling.append(curve("fprobe", slope: -5))
        let signed = Self.verdicts(Self.section("How do costs scale?", falling))
        #expect(signed.count == 1 && signed[0].contains("changes most for ftrace-list@cortex-a72 (15 per ops)")
                && signed[0].contains("least for ftrace-callops@cortex-a72 (0 per ops;"), "\(signed)")
        falling.scaling = [curve("ftrace-list", slope: 2), curve("fprobe", slope: -5)]
        let steepFall = Self.verdicts(Self.section("How do costs scale?", falling))
        #expect(steepFall.count == 1 && steepFall[0].contains("changes most for fprobe@cortex-a72 (-5 per ops, falling)")
                && steepFall[0].contains("least for ftrace-list@cortex-a72 (2 per ops;"), "\(steepFall)")
        // Curves that all have one slope are not named as both changing most and least.
        var flat = one
        flat.scaling = [curve("ftrace-list", slope: 0), curve("ftrace-callops", slope: 0)]
        #expect(Self.verdicts(Self.section("How do costs scale?", flat))
                == ["The slope of entry overhead cycles per call against registered ops is 0 per ops on all 2 curves (least squares)."])
        let measuredDispatch = try #require(Self.verdicts(Self.section("Direct calls vs the ops list", two)).first)
        #expect(measuredDispatch.contains("On ftrace-callops, each additional registered ops costs 0 cycles per call"))
        #expect(!measuredDispatch.contains("How ftrace-callops scales with registered ops is not measured"))
    }

    static func tables(_ section: ReportSection?) -> [ReportTable] {
        section?.blocks.compactMap { if case .table(let table) = $0 { table } else { nil } } ?? []
    }

    /// Every count in an overhead table is the scenario's count minus `none`'s, as its header says,
    /// not the scenario's own count (which includes the workload's instructions).
    @Test func overheadTablesHoldOverheadsAgainstNoneInEveryColumn() throws {
        var scenario = ResultsFixtures.scenario("fprobe", entryCycles: 40)
        for window in [\ScenarioMetrics.entry, \ScenarioMetrics.exit] {
            scenario.metrics[keyPath: window].steady.measured = WindowCounters(
                cycles: 40, instructions: 30, exceptions: 3, branchMispredicts: 4, returnMispredicts: 5)
            scenario.metrics[keyPath: window].steady.baseline = WindowCounters(
                cycles: 10, instructions: 5, exceptions: 1, branchMispredicts: 1, returnMispredicts: 2)
        }
        let results = ResultsFixtures.run("r", scenarios: [scenario, Self.scenario("kretprobe-brk", entryCycles: 90),
                                                           Self.scenario("kprobe-sim", entryCycles: 250)])
        for title in ["How much slower is a BRK kprobe", "Every scenario", "Return probes"] {
            let table = try #require(Self.tables(Self.section(title, results)).first, "\(title)")
            let row = try #require(table.rows.first { $0.first?.hasPrefix("fprobe") == true }, "\(title)")
            let cells = Dictionary(uniqueKeysWithValues: zip(table.headers.dropFirst(), row.dropFirst()))
            // Entry plus exit, each the scenario's count minus none's.
            #expect(cells["total overhead cycles"] == "60", "\(title): \(cells)")
            #expect(cells["extra instructions"] == "50", "\(title): \(cells)")
            #expect(cells["extra exceptions"] == "4", "\(title): \(cells)")
            #expect(cells["extra branch mispredicts"] == "6", "\(title): \(cells)")
            #expect(cells["extra return mispredicts"] == "6", "\(title): \(cells)")
            #expect(cells["extra stack bytes"] == "144", "\(title): \(cells)")
            #expect(table.headers.dropFirst().allSatisfy { $0.contains("overhead") || $0.hasPrefix("extra ") }, "\(table.headers)")
        }
        // The verdict's return mispredicts are the exit window's overhead too: 3 for fprobe, 0 for kretprobe-brk.
        let verdict = try #require(Self.verdicts(Self.section("Return probes", results)).first)
        #expect(verdict.contains("(kretprobe-brk, fprobe) take 0–3 more return mispredicts per call than none"), "\(verdict)")
    }

    /// The headline questions are answered on the default profile wherever the suite lists it (the
    /// full suite lists cortex-a53 first), else on the run's first; the CPU comparison still sees all.
    @Test func headlinesAreAnsweredOnTheDefaultProfileWhenTheRunHasIt() throws {
        func run(_ cpus: [String]) -> RunResults {
            // kprobe-sim's entry overhead differs per profile, so the verdict shows which one it read.
            let entry = ["cortex-a53": 400.0, "cortex-a72": 250, "neoverse-n1": 200]
            return ResultsFixtures.run("r", scenarios: cpus.flatMap { cpu in
                [ResultsFixtures.scenario("kprobe-sim", entryCycles: entry[cpu]!, cpu: cpu),
                 ResultsFixtures.scenario("ftrace-regs", entryCycles: 50, cpu: cpu)]
            }, cpus: cpus)
        }
        let full = run(["cortex-a53", HarnessProfiles.defaultName, "neoverse-n1"])
        let kprobes = try #require(Self.verdicts(Self.section("How much slower is a BRK kprobe", full)).first)
        #expect(kprobes.contains("on leaf (cortex-a72), kprobe-sim, costs 240 cycles on entry"), "\(kprobes)")
        let overview = DesignReport.build(full).sections[0].blocks.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
        #expect(overview.contains { $0.contains("answered on cortex-a72 (the default profile)") }, "\(overview)")
        // One model per profile, counted in the sentence that names them.
        #expect(overview.first?.hasPrefix("Every figure is a deterministic cycle count from the emulator's "
                                          + "cortex-a53, cortex-a72, neoverse-n1 models: ") == true, "\(overview)")
        let single = DesignReport.build(run([HarnessProfiles.defaultName])).sections[0].blocks
            .compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
        #expect(single.first?.hasPrefix("Every figure is a deterministic cycle count from the emulator's cortex-a72 model: ") == true,
                "\(single)")
        let sensitivity = try #require(Self.verdicts(Self.section("Do the answers change across CPU profiles?", full)).first)
        #expect(sensitivity.hasPrefix("The ranking of all 2 paths by total overhead is the same on every profile (cortex-a53, cortex-a72, neoverse-n1)."),
                "\(sensitivity)")
        #expect(Self.tables(Self.section("Do the answers change across CPU profiles?", full)).first?.rows
                == [["ftrace-regs", "80", "80", "80"], ["kprobe-sim", "780", "480", "380"]])

        let withoutDefault = run(["neoverse-n1", "cortex-a53"])
        let first = try #require(Self.verdicts(Self.section("How much slower is a BRK kprobe", withoutDefault)).first)
        #expect(first.contains("on leaf (neoverse-n1), kprobe-sim, costs 190 cycles on entry"), "\(first)")
        let note = DesignReport.build(withoutDefault).sections[0].blocks.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
        #expect(note.contains { $0.contains("answered on neoverse-n1 (the run's first profile: the default, cortex-a72, was not measured)") },
                "\(note)")
    }

    /// Attach and detach cycles, until now only in the CSV and JSON, get their table and a verdict
    /// computed from them, on the primary CPU's reference workload, `none` left out.
    @Test func attachAndDetachCyclesAreReportedPerPath() throws {
        func scenario(_ mechanism: String, attach: Double, detach: Double) -> ScenarioResult {
            var scenario = ResultsFixtures.scenario(mechanism, entryCycles: 40)
            scenario.metrics.attachCycles = attach
            scenario.metrics.detachCycles = detach
            return scenario
        }
        let title = "What do attaching and detaching cost?"
        let results = ResultsFixtures.run("r", scenarios: [
            scenario("none", attach: 0, detach: 0), scenario("ftrace-args", attach: 4703, detach: 815),
            scenario("direct-plt", attach: 5845, detach: 657), scenario("fgraph", attach: 4535, detach: 730),
        ])
        let table = try #require(Self.tables(Self.section(title, results)).first)
        #expect(table.headers == ["mechanism", "attach cycles", "detach cycles"])
        #expect(table.rows == [["ftrace-args", "4703", "815"], ["direct-plt", "5845", "657"], ["fgraph", "4535", "730"]])
        #expect(Self.verdicts(Self.section(title, results)) == [
            "On leaf (cortex-a72), attaching costs from 4535 cycles (fgraph) to 5845 (direct-plt); detaching costs from "
                + "657 cycles (direct-plt) to 815 (ftrace-args). Detaching is cheaper than attaching on every path."])

        var slowDetach = results
        slowDetach.scenarios[2].metrics.detachCycles = 6000
        slowDetach.scenarios[3].metrics.attachCycles = 4703
        #expect(Self.verdicts(Self.section(title, slowDetach)) == [
            "On leaf (cortex-a72), attaching costs from 4703 cycles (ftrace-args) to 5845 (direct-plt); detaching costs from "
                + "730 cycles (fgraph) to 6000 (direct-plt). Detaching costs at least as much as attaching on direct-plt."])
        let one = ResultsFixtures.run("r", scenarios: [scenario("fprobe", attach: 4553, detach: 749)])
        #expect(Self.verdicts(Self.section(title, one)) == [
            "On leaf (cortex-a72), attaching fprobe costs 4553 cycles; detaching fprobe costs 749 cycles. "
                + "Detaching is cheaper than attaching. No other path was measured there."])
        let nothing = ResultsFixtures.run("r", scenarios: [])
        #expect(Self.verdicts(Self.section(title, nothing)).first?.hasPrefix("Not answered by this run") == true)
    }

    @Test func amountsAreSingularOnlyWhereTheyReadOne() {
        #expect(DesignReport.amount(1, "cycles") == "1 cycle")
        #expect(DesignReport.amount(2, "cycles") == "2 cycles")
        #expect(DesignReport.amount(1.5, "bytes") == "1.50 bytes")
        #expect(DesignReport.amount(0, "bytes") == "0 bytes")
    }

    /// The verdict on walks from handlers' registers counts walks rather than calling a path wrong
    /// throughout, groups paths that fail alike, and names the missing caller only when every
    /// recorded example misses exactly it.
    @Test func walksFromRegistersAreCountedAndTheMissingCallerNamed() throws {
        func scenario(_ mechanism: String, _ workload: String, _ walks: [WalkVerification]) -> ScenarioResult {
            var scenario = Self.scenario(mechanism, entryCycles: 40, walks: walks)
            scenario.handler = "regs-walk"
            scenario.workload = workload
            return scenario
        }
        let missesCaller = WalkExample(expected: ["f+0x8", "caller+0x10", "root+0x4"], actual: ["f+0x8", "root+0x4"],
                                       verdict: "missing frame", interruptedAt: nil)
        func entryMisses(_ total: Int) -> WalkVerification {
            WalkVerification(point: .entryRegisters, walker: .guest, total: total, correct: 0, missingFrame: total, examples: [missesCaller])
        }
        let results = ResultsFixtures.run("r", scenarios: [
            scenario("ftrace-args", "nonleaf", [entryMisses(4), WalkVerification(point: .entryRegisters, walker: .libdw, total: 4, correct: 4)]),
            scenario("fgraph", "nonleaf", [entryMisses(4), WalkVerification(point: .entryRegisters, walker: .libdw, total: 4, correct: 4),
                                           WalkVerification(point: .exitRegisters, walker: .guest, total: 4, correct: 4)]),
            scenario("fgraph", "recursive", [entryMisses(6),
                                             WalkVerification(point: .entryRegisters, walker: .libdw, total: 6, correct: 2, unrecoveredTrampoline: 4),
                                             WalkVerification(point: .exitRegisters, walker: .guest, total: 6, correct: 6)]),
        ])
        let verdict = try #require(Self.verdicts(Self.section("Do walks from a handler's registers", results)).first)
        #expect(verdict.contains("is right in none of the 14 walks; wrong on ftrace-args (on nonleaf; 4 miss a frame); "
                                 + "fgraph (on nonleaf, recursive; 10 miss a frame)"), "\(verdict)")
        #expect(verdict.contains("the one frame missing is the traced function's return address into its caller (caller+0x10)"), "\(verdict)")
        #expect(verdict.contains("libdw's CFI walk of the same registers is right in 10 of 14 walks; wrong on fgraph (on recursive; 4 show an unrecovered return trampoline)"), "\(verdict)")
        #expect(verdict.contains("From the exit handler's registers, the frame-record walk (as arch_stack_walk with regs) is right in all 10 walks, on every path (1)"), "\(verdict)")
        // Paths that all fail alike are not listed one by one.
        let alike = ResultsFixtures.run("r", scenarios: [scenario("ftrace-args", "nonleaf", [entryMisses(4)]),
                                                         scenario("fgraph", "nonleaf", [entryMisses(4)])])
        let alikeVerdict = try #require(Self.verdicts(Self.section("Do walks from a handler's registers", alike)).first)
        #expect(alikeVerdict.contains("wrong on every path (2; each on nonleaf; 4 miss a frame)"), "\(alikeVerdict)")
        // Without regs-walk scenarios the section says it was not answered.
        let none = ResultsFixtures.run("r", scenarios: [Self.scenario("ftrace-args", entryCycles: 40)])
        #expect(Self.verdicts(Self.section("Do walks from a handler's registers", none)).first?.hasPrefix("Not answered") == true)
    }
}
