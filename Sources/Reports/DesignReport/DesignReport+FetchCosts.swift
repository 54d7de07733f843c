import Harness

extension DesignReport {
    /// The arguments of a definition (everything after the probe point), to pair the same fetch on two paths.
    static func fetchedArguments(_ definition: String) -> String {
        definition.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).joined(separator: " ")
    }

    static func fetchCosts(_ index: ResultsIndex) -> ReportSection? {
        let costs = index.results.fetchCosts
        let unavailable = index.results.unavailableFetchCosts
        let title = "What does fetching a typed argument cost, from pt_regs versus ftrace_regs?"
        guard !costs.isEmpty || !unavailable.isEmpty else { return missing(title, "fetch costs of typed probe arguments") }
        let rows = costs.map { cost in
            [cost.cpu, cost.definition, cost.registers, cost.window, String(cost.arguments),
             cycles(cost.cyclesPerArgument), cycles(cost.marginalCyclesPerArgument), cycles(cost.recordCycles),
             cycles(cost.fetchCycles)]
        }
        var blocks: [ReportBlock] = [
            .paragraph("A probe written in the kernel's dynamic-event syntax is resolved against the guest's DWARF, compiled into a fetch program and run by the guest's handler on each hit. Its cost is the call window with the `fetch` handler minus the same window with the `count` handler on the same path, shared out over the arguments; an empty program gives the fixed cost of writing a record."),
        ]
        if !costs.isEmpty {
            blocks.append(.table(ReportTable(caption: "Fetch cost per call", headers: ["cpu", "definition", "registers", "window", "arguments",
                                                                                     "cycles per argument", "marginal per argument",
                                                                                     "record", "cycles per call"],
                                             rows: rows, numericColumns: Set(4...8))))
        }
        if !unavailable.isEmpty {
            // libdw could not be loaded here: no figure, and no failure either (as libdw's walks).
            blocks.append(.table(ReportTable(caption: "Fetch costs unavailable on this host (not measured)",
                                             headers: ["cpu", "definition", "unavailable because"],
                                             rows: unavailable.map { [$0.cpu, $0.definition, $0.reason] })))
        }
        var verdicts: [String] = []
        for cpu in index.cpus {
            let here = costs.filter { $0.cpu == cpu }
            for kprobe in here where kprobe.registers == "pt_regs" {
                guard let fprobe = here.first(where: {
                    $0.registers == "ftrace_regs" && $0.window == kprobe.window
                        && fetchedArguments($0.definition) == fetchedArguments(kprobe.definition)
                }) else { continue }
                blocks.append(.barChart(BarChart(
                    title: "\(kprobe.arguments) arguments from pt_regs and ftrace_regs (\(cpu))", unit: "cycles",
                    categories: ["per argument", "record", "marginal per argument"], series: [
                        BarChart.Series(name: "\(kprobe.mechanism) (pt_regs)",
                                        values: [kprobe.cyclesPerArgument, kprobe.recordCycles, kprobe.marginalCyclesPerArgument]),
                        BarChart.Series(name: "\(fprobe.mechanism) (ftrace_regs)",
                                        values: [fprobe.cyclesPerArgument, fprobe.recordCycles, fprobe.marginalCyclesPerArgument]),
                    ])))
                var sentence = comparison("Fetching an argument through pt_regs (\(kprobe.mechanism))", kprobe.cyclesPerArgument,
                                          "through ftrace_regs (\(fprobe.mechanism))", fprobe.cyclesPerArgument,
                                          what: "per argument") + " on \(cpu), for the same \(kprobe.arguments) arguments in the "
                    + "\(kprobe.window) window"
                let marginalGap = kprobe.marginalCyclesPerArgument - fprobe.marginalCyclesPerArgument
                let recordGap = kprobe.recordCycles - fprobe.recordCycles
                if abs(kprobe.cyclesPerArgument - fprobe.cyclesPerArgument) < 0.5 {
                    sentence += "; the paths split that total differently: the record's fixed cost is \(cycles(kprobe.recordCycles)) vs \(cycles(fprobe.recordCycles)) cycles and each further value \(cycles(kprobe.marginalCyclesPerArgument)) vs \(cycles(fprobe.marginalCyclesPerArgument))."
                    verdicts.append(sentence)
                    continue
                }
                sentence += abs(marginalGap) < abs(recordGap)
                    ? "; most of the difference is the record's fixed cost (\(cycles(kprobe.recordCycles)) vs \(cycles(fprobe.recordCycles)) cycles), while each further value costs about the same (\(cycles(kprobe.marginalCyclesPerArgument)) vs \(cycles(fprobe.marginalCyclesPerArgument)))."
                    : "; the difference is in the per-value work (\(cycles(kprobe.marginalCyclesPerArgument)) vs \(cycles(fprobe.marginalCyclesPerArgument)) cycles per further value), more than in the record's fixed cost (\(cycles(kprobe.recordCycles)) vs \(cycles(fprobe.recordCycles)))."
                verdicts.append(sentence)
            }
        }
        if verdicts.isEmpty, let first = unavailable.first {
            blocks.append(.verdict("Not answered by this run: \(unavailable.count) of its \(costs.count + unavailable.count) fetch "
                                   + "costs are unavailable on this host, not measured (\(first.reason))."))
        } else {
            blocks.append(.verdict(verdicts.isEmpty
                ? "Not answered by this run: no definition was measured on both a pt_regs and an ftrace_regs path."
                : verdicts.joined(separator: " ")))
        }
        return ReportSection(title: title, blocks: blocks)
    }
}
