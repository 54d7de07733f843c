import Harness

extension DesignReport {
    static func handlerRegisters(_ index: ResultsIndex) -> ReportSection? {
        let title = "Are the registers a handler is given the function's own?"
        let cpu = index.primaryCPU
        let handler = "args"
        guard let workload = index.referenceWorkload(cpu: cpu, handler: handler) else {
            return missing(title, "scenarios with the args handler")
        }
        let scenarios = index.mechanisms(workload: workload, cpu: cpu, handler: handler)
            .compactMap { index.scenario($0, handler: handler, workload: workload, cpu: cpu) }
            .filter { $0.handlerRegisters != nil }
        guard !scenarios.isEmpty else { return missing(title, "the registers handlers are given") }
        let entry = scenarios.map { ($0.mechanism, $0.handlerRegisters!) }
        let exit = scenarios.compactMap { scenario in scenario.exitHandlerRegisters.map { (scenario.mechanism, $0) } }

        var verdict = "On \(workload) (\(cpu)), " + registerClause(entry, names: HandlerRegisters.groupNames, at: "entry")
        let withPSTATE = entry.filter { $0.1.group("PSTATE DAIF") != nil }
        if !withPSTATE.isEmpty {
            let faithful = withPSTATE.filter { $0.1.groups.allSatisfy(\.isReal) }.map(\.0)
            verdict += " Of the \(withPSTATE.count) paths whose entry handlers get a pt_regs, \(faithful.count) "
                + "\(faithful.count == 1 ? "gives" : "give") one that is real in every field compared"
                + (faithful.isEmpty ? "." : " (\(faithful.joined(separator: ", "))).")
        }
        if !exit.isEmpty { verdict += " At exit, " + registerClause(exit, names: HandlerRegisters.exitGroupNames, at: "exit") }
        var blocks: [ReportBlock] = [
            .paragraph("A handler that reads its pt_regs the way the kernel's helpers do — interrupts_enabled(regs), user_mode(regs), a callee-saved register, perf's sample registers — gets a wrong answer where the path made the field up. One call per path, made with IRQs masked and condition flags set, compares each field of the register set the entry handler is given with the emulator's registers when the traced function was entered (pc: the symbol for the BRK kprobes, whose pt_regs stand where the BRK interrupted the function; its first body instruction for the other paths, where each resumes it), and the exit handler's with what the caller resumes with (the returned x0, the callee-saved registers, fp, sp and PSTATE as at entry, and the pc at the return address). Scratch registers (x8–x18) are not compared: they mean nothing at a function's entry, and the patch site overwrites x9. ftrace_regs has no callee-saved registers and no PSTATE."),
            registerTable(entry, names: HandlerRegisters.groupNames,
                          caption: "The entry handler's registers against the function's own, on \(workload) (\(cpu))"),
        ]
        if !exit.isEmpty {
            blocks.append(registerTable(exit, names: HandlerRegisters.exitGroupNames,
                                        caption: "The exit handler's registers against what the caller resumes with, on \(workload) (\(cpu))"))
        }
        blocks.append(.verdict(verdict))
        return ReportSection(title: title, blocks: blocks)
    }

    /// A row per path: each group's verdict, its first wrong field and how many more.
    private static func registerTable(_ paths: [(String, HandlerRegisters)], names: [String], caption: String) -> ReportBlock {
        .table(ReportTable(caption: caption, headers: ["mechanism", "register set"] + names, rows: paths.map { mechanism, registers in
            [mechanism, registers.registers] + names.map { name in
                registers.group(name).map { group in
                    group.isReal ? "real"
                        : "wrong: " + group.wrong[0] + (group.wrong.count > 1 ? " and \(group.wrong.count - 1) more" : "")
                } ?? "– (not in the set)"
            }
        }))
    }

    /// "the fields that do not hold …: callee-saved on fprobe-ptregs; …" from the paths' groups.
    private static func registerClause(_ paths: [(String, HandlerRegisters)], names: [String], at point: String) -> String {
        let wrongByGroup = names.compactMap { name -> String? in
            let wrong = paths.filter { $0.1.group(name)?.isReal == false }.map(\.0)
            return wrong.isEmpty ? nil : "\(name) on \(wrong.joined(separator: ", "))"
        }
        return wrongByGroup.isEmpty
            ? "every path hands its \(point) handler the real registers in every field its register set has."
            : "the fields the \(point) handler is given that are not the real ones: " + wrongByGroup.joined(separator: "; ") + "."
    }
}
