import GuestKernel
import Harness

extension DesignReport {
    /// Seed 003 asks what per-callsite ops buy; a function that two tracers trace is where that
    /// changes: the kernel points such a CALL_OPS site at the list function, and a single-ops
    /// trampoline call becomes the list walk.
    static func sharedFunction(_ index: ResultsIndex) -> ReportSection? {
        let title = "What does another tracer on the same function cost?"
        let cpu = index.primaryCPU
        let curves = index.curves(.sharedOps).filter { $0.cpu == cpu }
        guard !curves.isEmpty else { return missing(title, "shared-ops curves") }
        let paragraph = "Each point attaches the path with the count handler, with n other tracers' ops whose filters also "
            + "hold the traced function (each a handler that only counts; every point checks that each ran once per call). "
            + "At 0 the path traces the function alone. From one on, the common trampoline calls the list function, which "
            + "walks every registered ops, and a CALL_OPS site's literal points at the list op, as the kernel's "
            + "ftrace_rec_update_ops does for a function with several ops."
        var blocks: [ReportBlock] = [
            .paragraph(paragraph),
            .lineChart(LineChart(title: "Entry overhead against other tracers' ops on the function", xLabel: "other tracers' ops",
                                 yLabel: "entry overhead cycles", series: curves.map { curve in
                LineChart.Series(name: "\(curve.mechanism)@\(curve.cpu)", points: curve.points.map { ($0.x, $0.y) })
            })),
        ]
        let rows = curves.map { curve -> [String] in
            let alone = value(curve, at: 0), one = value(curve, at: 1)
            let step = alone.flatMap { a in one.map { $0 - a } }
            return [curve.mechanism, curve.workload, alone.map(cycles) ?? "–", one.map(cycles) ?? "–",
                    step.map(cycles) ?? "–", slope(fitted(curve)).map(cycles) ?? "–"]
        }
        blocks.append(.table(ReportTable(caption: "Entry overhead per call (\(cpu))",
                                         headers: ["mechanism", "workload", "alone", "with one other", "step to one other",
                                                   "per further ops"],
                                         rows: rows, numericColumns: Set(2...5))))
        blocks.append(.verdict(sharedFunctionVerdict(curves)))
        return ReportSection(title: title, blocks: blocks)
    }

    /// The step each path takes when a second tracer arrives, what CALL_OPS is worth before and
    /// after it, and what each further tracer adds, from the curves' own points.
    static func sharedFunctionVerdict(_ curves: [ScalingCurve]) -> String {
        var sentences: [String] = []
        for curve in curves {
            guard let alone = value(curve, at: 0), let one = value(curve, at: 1) else { continue }
            var sentence = "\(curve.mechanism) on \(curve.workload) goes from \(amount(alone, "cycles")) alone to "
                + "\(amount(one, "cycles")) with one other tracer (\(one - alone >= 0 ? "+" : "")\(cycles(one - alone)))"
            if let perOps = slope(fitted(curve)) {
                sentence += ", then \(amount(perOps, "cycles")) per further ops"
            }
            sentences.append(sentence)
        }
        guard !sentences.isEmpty else {
            return "No curve has both its 0 and 1 point, so the step to a second tracer is not measured."
        }
        var verdict = sentences.joined(separator: "; ") + "."
        let callOps = curves.first { $0.mechanism == Mechanism.ftraceCallOps.rawValue }
        let list = curves.first { $0.mechanism == Mechanism.ftraceList.rawValue && $0.workload == callOps?.workload }
        if let callOps, let list, let callOpsAlone = value(callOps, at: 0), let listAlone = value(list, at: 0),
           let callOpsShared = value(callOps, at: 1), let listShared = value(list, at: 1) {
            verdict += " Alone, " + comparison("ftrace-callops", callOpsAlone, "ftrace-list", listAlone)
                + "; with one other tracer on the function, " + comparison("ftrace-callops", callOpsShared, "ftrace-list", listShared)
                + "."
        }
        return verdict
    }

    /// A curve's y at `x`, if it has a point there (the table and the verdict read the same points).
    static func value(_ curve: ScalingCurve, at x: Double) -> Double? {
        curve.points.first { $0.x == x }?.y
    }
}
