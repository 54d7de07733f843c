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
        let names = HandlerRegisters.groupNames
        let rows = scenarios.map { scenario -> [String] in
            let registers = scenario.handlerRegisters!
            return [scenario.mechanism, registers.registers] + names.map { name in
                registers.group(name).map { group in
                    group.isReal ? "real"
                        : "wrong: " + group.wrong[0] + (group.wrong.count > 1 ? " and \(group.wrong.count - 1) more" : "")
                } ?? "– (not in the set)"
            }
        }
        // Per group, the paths whose set has it but not the real value.
        let wrongByGroup = names.compactMap { name -> String? in
            let paths = scenarios.filter { $0.handlerRegisters!.group(name)?.isReal == false }.map(\.mechanism)
            return paths.isEmpty ? nil : "\(name) on \(paths.joined(separator: ", "))"
        }
        let withPSTATE = scenarios.filter { $0.handlerRegisters!.group("PSTATE DAIF") != nil }.map(\.mechanism)
        var verdict = "On \(workload) (\(cpu)), "
        verdict += wrongByGroup.isEmpty
            ? "every path hands its entry handler the function's own registers in every field its register set has."
            : "the fields that do not hold the function's own registers: " + wrongByGroup.joined(separator: "; ") + "."
        if !withPSTATE.isEmpty {
            let faithful = withPSTATE.filter { mechanism in
                scenarios.first { $0.mechanism == mechanism }!.handlerRegisters!.groups.allSatisfy(\.isReal)
            }
            verdict += " Of the \(withPSTATE.count) paths whose handlers get a pt_regs, \(faithful.count) \(faithful.count == 1 ? "gives" : "give") one that is "
                + "real in every field compared" + (faithful.isEmpty ? "." : " (\(faithful.joined(separator: ", "))).")
        }
        return ReportSection(title: title, blocks: [
            .paragraph("A handler that reads its pt_regs the way the kernel's helpers do — interrupts_enabled(regs), user_mode(regs), a callee-saved register, perf's sample registers — gets a wrong answer where the path made the field up. One call per path, made with IRQs masked and condition flags set, compares each field of the register set the entry handler is given with the emulator's registers when the traced function was entered (pc: its first body instruction, where every path resumes). Scratch registers (x8–x18) are not compared: they mean nothing at a function's entry, and the patch site overwrites x9. ftrace_regs has no callee-saved registers and no PSTATE."),
            .table(ReportTable(caption: "The entry handler's registers against the function's own, on \(workload) (\(cpu))",
                               headers: ["mechanism", "register set"] + names, rows: rows)),
            .verdict(verdict),
        ])
    }
}
