import GuestKernel
import Testing
@testable import Harness
@testable import Reports

/// The `modify` handler: which of its changes each path carries, judged from the call's result.
@Suite struct HandlerChangeTests {
    /// One scenario on the default profile, two warm-up calls and three measured.
    static func measure(_ mechanism: Mechanism, _ handler: HandlerKind, _ workload: Workload) throws -> ScenarioResult {
        let spec = ScenarioSpec(mechanism: mechanism, handler: handler, workload: workload, cpu: HarnessProfiles.defaultName)
        let plan = CallPlan(warmup: 2, measured: 3)
        let runner = ScenarioRunner(environment: try SteadyStateTests.environment.get())
        let baseline = try runner.measureBaseline(workload: spec.workload, cpu: spec.cpu, plan: plan)
        return try runner.measure(spec, baseline: baseline, plan: plan)
    }

    /// Judged from the results alone: every combination is told apart, and what no combination
    /// explains (or more than one does) is an error rather than a guess.
    @Test func theJudgementFollowsTheResult() throws {
        func judge(_ traced: Int64, exit: Bool = true) throws -> HandlerChange {
            try HandlerChange.judge(argument: 3, untracedResult: 10, untracedResultWithChangedArgument: 3010,
                                    tracedResult: traced, exitHandlerRan: exit, returnDelta: 1_000_000)
        }
        #expect(try judge(10).argumentReachesFunction == false)
        #expect(try judge(10).returnValueReachesCaller == false)
        #expect(try judge(3010).argumentReachesFunction == true)
        #expect(try judge(1_000_010).returnValueReachesCaller == true)
        #expect(try judge(1_003_010).argumentReachesFunction == true)
        #expect(try judge(1_003_010).returnValueReachesCaller == true)
        #expect(try judge(3010, exit: false).returnValueReachesCaller == nil)
        #expect(throws: UnexplainedResult.self) { try judge(11) }
        // Without an exit handler the return value's change cannot explain a result.
        #expect(throws: UnexplainedResult.self) { try judge(1_000_010, exit: false) }
        // A workload the argument's change does not change cannot tell whether it arrived.
        #expect(throws: UnexplainedResult.self) {
            try HandlerChange.judge(argument: 3, untracedResult: 10, untracedResultWithChangedArgument: 10, tracedResult: 10,
                                    exitHandlerRan: false)
        }
    }

    /// `driverAccumulation` is what the guest driver returns for calls that each return the same.
    @Test func theDriversAccumulationIsModelled() throws {
        let environment = try SteadyStateTests.environment.get()
        let driver = HookedCall(kernel: try environment.makeKernel())
        let one = try driver.run(.leaf, count: 1, argument: 3, phase: "one call")
        let five = try driver.run(.leaf, count: 5, argument: 3, phase: "five calls")
        #expect(five == HandlerChange.driverAccumulation(of: one, calls: 5))
        #expect(five != one)
    }

    /// The paths' contracts as the guest implements them: every trampoline restores x0 from the
    /// registers it handed over, so both changes arrive; fprobe-ptregs hands its handlers a copy
    /// (arm64's ftrace_partial_regs), so neither does; a path without a return hook has no exit change.
    @Test(arguments: [(Mechanism.ftraceArgs, true, Bool?.none), (.kprobeXOL, true, nil), (.fentryFexit, true, true),
                      (.kretprobeTrampoline, true, true), (.fprobe, true, true), (.fprobePtRegs, false, false)])
    func eachPathCarriesWhatItsRegistersAllow(_ mechanism: Mechanism, _ argument: Bool, _ returnValue: Bool?) throws {
        let change = try #require(try Self.measure(mechanism, .modify, .leaf).handlerChange)
        #expect(change.argumentReachesFunction == argument)
        #expect(change.returnValueReachesCaller == returnValue)
        #expect(change.untracedResultWithChangedArgument != change.untracedResult)
    }

    /// Judged from the results alone: the replacement's result or the workload's, nothing else, and
    /// a replacement that returns what the workload does cannot be told apart.
    @Test func theRedirectJudgementFollowsTheResult() throws {
        func judge(_ traced: Int64, replacement: Int64 = 20) throws -> CallRedirect {
            try CallRedirect.judge(replacement: "r", untracedResult: 10, replacementResult: replacement, tracedResult: traced)
        }
        #expect(try judge(20).reachesReplacement)
        #expect(try !judge(10).reachesReplacement)
        #expect(throws: UnexplainedResult.self) { try judge(30) }
        #expect(throws: UnexplainedResult.self) { try judge(10, replacement: 10) }
    }

    /// `Workload.replacementSymbol` is what the guest's redirect handler sends each workload to.
    @Test(arguments: Workload.allCases)
    func replacementsAreTheGuestsOwn(_ workload: Workload) throws {
        let kernel = try SteadyStateTests.environment.get().makeKernel()
        let mapped = try HookedCall(kernel: kernel).call(try kernel.address(of: "pb_wl_replacement_of"),
                                                           [try kernel.address(of: workload.symbol)])
        let expected = try workload.replacementSymbol.map { try kernel.address(of: $0) } ?? 0
        #expect(UInt64(bitPattern: mapped) == expected)
    }

    /// A redirect arrives where the path resumes at the pc it handed over (a BRK kprobe whose
    /// pre-handler reports the change, as the kernel's does); it is lost on kretprobes, whose
    /// pre-handler completes the probed instruction, and on fprobe-ptregs's copy.
    @Test(arguments: [(Mechanism.ftraceArgs, true), (.directBL, true), (.kprobeXOL, true), (.kprobeSimulate, true),
                      (.functionGraph, true), (.fentryFexit, true), (.kretprobeBRK, false), (.fprobePtRegs, false)])
    func eachPathRedirectsWhereItResumesAtTheHandlersPC(_ mechanism: Mechanism, _ reaches: Bool) throws {
        let redirect = try #require(try Self.measure(mechanism, .redirect, .nonleaf).callRedirect)
        #expect(redirect.reachesReplacement == reaches)
        #expect(redirect.replacement == "pb_wl_nonleaf_replacement")
    }

    /// Field by field against the truth: a made-up PSTATE, zeroed callee-saved registers and an
    /// unreadable field are each wrong in their own group; a register set without a group omits it.
    @Test func registersAreComparedGroupByGroup() {
        let truth = HandlerRegisters.Truth(x: (0...30).map { UInt64($0) + 100 }, sp: 0x8000, pc: 0x4008, pstate: 0xA000_00C5)
        var fields: [UInt64: UInt64] = [:]
        for index in 0...30 { fields[UInt64(index) * 8] = UInt64(index) + 100 }
        fields[248] = 0x8000; fields[256] = 0x4008; fields[264] = 0x0000_0005
        fields[20 * 8] = 0
        let pt = HandlerRegisters.compare(.ptRegs, read: { fields[$0] }, truth: truth)
        #expect(pt.group("arguments")?.isReal == true && pt.group("frame")?.isReal == true && pt.group("PSTATE mode")?.isReal == true)
        #expect(pt.group("callee-saved")?.wrong == ["x20=0x0 (real 0x78)"])
        #expect(pt.group("PSTATE DAIF")?.wrong == ["pstate=0x0 (real 0xc0)"])
        #expect(pt.group("PSTATE NZCV")?.wrong == ["pstate=0x0 (real 0xa0000000)"])
        let ftrace = HandlerRegisters.compare(.ftraceRegs, read: { $0 == 96 ? nil : (fields[$0] ?? 0) }, truth: truth)
        #expect(ftrace.groups.map(\.name) == ["arguments", "frame"])
        #expect(ftrace.group("frame")?.wrong.contains { $0.hasPrefix("sp=unreadable") } == true)
    }

    /// The paths as the guest builds their register sets: ftrace-regs reads NZCV and DAIF into its
    /// synthetic PSTATE and BRK paths save the real one; fprobe-ptregs's partial copy fills in
    /// x0–x8, fp, lr, sp, pc and a fixed PSTATE of EL1h, so its callee-saved registers, DAIF and
    /// NZCV are not the function's.
    @Test(arguments: [Mechanism.ftraceRegs, .kprobeXOL, .kretprobeTrampoline, .ftraceArgs, .fentryFexit, .fprobePtRegs])
    func eachPathsRegistersAreTheFunctionsOwnOrSaidNotToBe(_ mechanism: Mechanism) throws {
        let scenario = try Self.measure(mechanism, .args, .args)
        let entry = try #require(scenario.handlerRegisters)
        func wrong(_ registers: HandlerRegisters?) -> Set<String>? { registers.map { Set($0.groups.filter { !$0.isReal }.map(\.name)) } }
        switch mechanism {
        case .fprobePtRegs:
            #expect(wrong(entry) == ["callee-saved", "PSTATE DAIF", "PSTATE NZCV"], "\(entry)")
        case .ftraceArgs, .fentryFexit:
            #expect(entry.registers == "ftrace_regs" && entry.groups.map(\.name) == ["arguments", "frame"] && wrong(entry) == [])
        default:
            #expect(entry.registers == "pt_regs" && entry.groups.count == 6 && wrong(entry) == [], "\(entry)")
        }
        let exit = scenario.exitHandlerRegisters
        switch mechanism {
        case .fprobePtRegs:
            #expect(wrong(exit) == ["callee-saved", "PSTATE DAIF"], "\(String(describing: exit))")
        case .fentryFexit:
            // fexit's ftrace_regs keeps the entry pc (the function's body), not where the caller resumes.
            #expect(wrong(exit) == ["frame"] && exit?.group("frame")?.wrong.count == 1
                    && exit?.group("frame")?.wrong.first?.hasPrefix("pc=") == true, "\(String(describing: exit))")
        case .kretprobeTrampoline:
            #expect(exit?.groups.map(\.name) == HandlerRegisters.exitGroupNames && wrong(exit) == [], "\(String(describing: exit))")
        default:
            #expect(exit == nil, "no return hook on \(mechanism)")
        }
    }

    /// The report names each group a path gets wrong, and counts the pt_regs paths that are real throughout.
    @Test func theReportNamesMadeUpRegisters() throws {
        func scenario(_ mechanism: String, wrongDAIF: Bool) -> ScenarioResult {
            var scenario = ResultsFixtures.scenario(mechanism, entryCycles: 40)
            scenario.handler = "args"
            scenario.handlerRegisters = HandlerRegisters(registers: "pt_regs", groups: HandlerRegisters.groupNames.map {
                .init(name: $0, wrong: $0 == "PSTATE DAIF" && wrongDAIF ? ["pstate=0x0 (real 0xc0)"] : [])
            })
            return scenario
        }
        let results = ResultsFixtures.run("r", scenarios: [scenario("ftrace-regs", wrongDAIF: false), scenario("fprobe-ptregs", wrongDAIF: true)])
        let section = DesignReport.build(results).sections.first { $0.title.hasPrefix("Are the registers") }
        let verdict = try #require(DesignReportTests.verdicts(section).first)
        #expect(verdict.contains("PSTATE DAIF on fprobe-ptregs") && verdict.contains("2 paths whose entry handlers get a pt_regs, 1 gives"),
                "\(verdict)")
        let key = "fprobe-ptregs/args/leaf@cortex-a72 · entry handler's PSTATE DAIF real"
        #expect(results.namedMetrics.first { $0.key == key }?.samples == [0])
        #expect(CSVRenderer.render(results).contains(",entry_handler_registers_pstate_daif_real,0\n"))
    }

    /// Other handler kinds change nothing and publish no judgement.
    @Test func otherHandlersHaveNoChange() throws {
        let counted = try Self.measure(.ftraceArgs, .count, .leaf)
        #expect(counted.handlerChange == nil && counted.callRedirect == nil)
    }

    /// The recursive workload's first argument is its depth: modify there is refused, not run away.
    @Test func modifyOnTheRecursiveWorkloadIsRefused() throws {
        #expect {
            try Self.measure(.ftraceArgs, .modify, .recursive)
        } throws: { error in
            "\(error)".contains("modify on recursive") && "\(error)".contains("recursion depth")
        }
    }

    static func changed(_ mechanism: String, workload: String = "leaf", argument: Bool, returnValue: Bool?) -> ScenarioResult {
        var scenario = ResultsFixtures.scenario(mechanism, entryCycles: 40)
        scenario.handler = "modify"
        scenario.workload = workload
        scenario.handlerChange = HandlerChange(argument: 3, untracedResult: 10, untracedResultWithChangedArgument: 3010,
                                               tracedResult: 0, argumentReachesFunction: argument,
                                               returnValueReachesCaller: returnValue)
        return scenario
    }

    static func redirected(_ mechanism: String, reaches: Bool) -> ScenarioResult {
        var scenario = ResultsFixtures.scenario(mechanism, entryCycles: 40)
        scenario.handler = "redirect"
        scenario.callRedirect = CallRedirect(replacement: "pb_wl_leaf_replacement", untracedResult: 10, replacementResult: 20,
                                             tracedResult: reaches ? 20 : 10, reachesReplacement: reaches)
        return scenario
    }

    /// The report's verdict counts and names the paths from the judgements, workload by workload.
    @Test func theReportNamesThePathsThatLoseAChange() throws {
        let results = ResultsFixtures.run("r", scenarios: [
            Self.changed("ftrace-args", argument: true, returnValue: nil),
            Self.changed("fprobe", argument: true, returnValue: true),
            Self.changed("fprobe-ptregs", argument: false, returnValue: false),
            Self.changed("fprobe", workload: "args", argument: true, returnValue: false),
            Self.redirected("ftrace-args", reaches: true),
            Self.redirected("kretprobe-brk", reaches: false),
        ])
        let section = DesignReport.build(results).sections.first { $0.title.hasPrefix("Can a handler change") }
        let verdict = try #require(DesignReportTests.verdicts(section).first)
        #expect(verdict.contains("2 of 3 paths carry the entry handler's change of the first argument"), "\(verdict)")
        #expect(verdict.contains("1 of the 2 with an exit handler"), "\(verdict)")
        #expect(verdict.contains("argument change is lost on fprobe-ptregs"), "\(verdict)")
        #expect(verdict.contains("fprobe on args differ"), "\(verdict)")
        #expect(verdict.contains("1 of 2 paths send the call to the replacement the entry handler set; the redirect is lost on "
                                 + "kretprobe-brk"), "\(verdict)")
    }

    /// `bench compare` sees a path that starts losing a change as a regression of an exact count.
    @Test func aLostChangeIsARegression() throws {
        let before = ResultsFixtures.run("a", scenarios: [Self.changed("fprobe", argument: true, returnValue: true)])
        let after = ResultsFixtures.run("b", scenarios: [Self.changed("fprobe", argument: true, returnValue: false)])
        let key = "fprobe/modify/leaf@cortex-a72 · return value change reaches the caller"
        #expect(before.namedMetrics.first { $0.key == key }?.samples == [1])
        #expect(after.namedMetrics.first { $0.key == key }?.kind == .exactCount)
        #expect(after.namedMetrics.first { $0.key == key }?.samples == [0])
        let comparison = ResultsComparison(baseline: before, current: after)
        #expect(comparison.regressions.map(\.key) == [key])
        #expect(comparison.exitStatus == 2)
        let lost = ResultsFixtures.run("c", scenarios: [Self.redirected("fprobe", reaches: false)])
        #expect(ResultsComparison(baseline: ResultsFixtures.run("d", scenarios: [Self.redirected("fprobe", reaches: true)]),
                                  current: lost).regressions.map(\.key) == ["fprobe/redirect/leaf@cortex-a72 · redirect reaches the replacement"])
        #expect(CSVRenderer.render(lost).contains(",redirect_reaches_replacement,0\n"))
        let csv = CSVRenderer.render(after)
        #expect(csv.contains(",argument_change_reaches_function,1\n"))
        #expect(csv.contains(",return_change_reaches_caller,0\n"))
    }
}
