import Foundation
import Harness

extension DesignReport {
    /// At most this many symbols are named per window in the table; the rest are summed.
    static let symbolsPerWindow = 4

    /// "ftrace_caller 17 · ftrace_args_func 9 · 2 more 7": a window's symbols, most cycles first.
    static func symbolList(_ costs: [SymbolCost]) -> String {
        let spending = costs.filter { $0.cycles > 0 }.sorted { $0.cycles > $1.cycles }
        guard !spending.isEmpty else { return "–" }
        var parts = spending.prefix(symbolsPerWindow).map { "\($0.symbol) \(cycles($0.cycles))" }
        let rest = spending.dropFirst(symbolsPerWindow)
        if !rest.isEmpty { parts.append("\(rest.count) more \(cycles(rest.reduce(0) { $0 + $1.cycles }))") }
        return parts.joined(separator: " · ")
    }

    static func cycleAttribution(_ index: ResultsIndex) -> ReportSection? {
        let title = "Where does each path spend its cycles?"
        let cpu = index.primaryCPU
        guard let workload = index.referenceWorkload(cpu: cpu) else { return missing(title, "steady-state windows") }
        let scenarios = index.mechanisms(workload: workload, cpu: cpu)
            .compactMap { index.scenario($0, workload: workload, cpu: cpu) }
            .filter { $0.metrics.entryBySymbol != nil }
        guard !scenarios.isEmpty else { return missing(title, "cycles by symbol") }
        let rows = scenarios.map { scenario -> [String] in
            let m = scenario.metrics
            return [scenario.mechanism, cycles(m.entry.steady.measured.cycles), symbolList(m.entryBySymbol ?? []),
                    cycles(m.exit.steady.measured.cycles), symbolList(m.exitBySymbol ?? [])]
        }

        // Paths grouped by the symbol that spends the most of their entry window; `none`, whose row is
        // the untraced call every path's overhead is measured against, is not a path.
        var groups: [(symbol: String, shares: [(mechanism: String, share: Double)])] = []
        for scenario in scenarios where scenario.mechanism != "none" {
            let window = scenario.metrics.entry.steady.measured.cycles
            guard let top = scenario.metrics.entryBySymbol?.max(by: { $0.cycles < $1.cycles }), top.cycles > 0, window > 0 else { continue }
            let share = top.cycles / window
            if let at = groups.firstIndex(where: { $0.symbol == top.symbol }) {
                groups[at].shares.append((scenario.mechanism, share))
            } else {
                groups.append((top.symbol, [(scenario.mechanism, share)]))
            }
        }
        let clauses = groups.map { group -> String in
            let shares = group.shares.map(\.share)
            // Formatted rather than converted to Int, which traps on a share too large for one.
            func percent(_ share: Double?) -> String { String(format: "%.0f", ((share ?? 0) * 100).rounded()) }
            let low = percent(shares.min()), high = percent(shares.max())
            let range = low == high ? "\(low)%" : "\(low)–\(high)%"
            return "\(group.symbol) on \(group.shares.map(\.mechanism).joined(separator: ", ")) (\(range) of the entry window)"
        }
        let verdict = !scenarios.contains(where: { $0.mechanism != "none" })
            ? "Only the untraced call (none) has cycles by symbol on \(workload) (\(cpu)): no tracing path was measured there."
            : clauses.isEmpty ? "No symbol spent cycles in the tracing paths' entry windows on \(workload) (\(cpu))."
            : "On \(workload) (\(cpu)) the largest single share of the entry window is " + clauses.joined(separator: "; ") + "."
        let reference = scenarios.contains { $0.mechanism == "none" }
            ? " The none row is the untraced call (the patch site as boot leaves it, `mov x9, x30; nop`) the overheads are measured against." : ""
        return ReportSection(title: title, blocks: [
            .paragraph("Each steady-state window's cycles per call, charged to the symbol whose instructions spent them (an exception's entry to the instruction that raised it; code the guest allocates at run time, such as trampolines and out-of-line slots, to its area). These are each path's own windows, the driver's call and the traced function's patch site included, not the overhead against none.\(reference)"),
            .table(ReportTable(caption: "Cycles per call by symbol on \(workload) (\(cpu))",
                               headers: ["mechanism", "entry cycles", "entry by symbol", "exit cycles", "exit by symbol"],
                               rows: rows, numericColumns: [1, 3])),
            .verdict(verdict),
        ])
    }
}
