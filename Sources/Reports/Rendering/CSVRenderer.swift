import Harness

/// Renders results as tidy CSV: one row per measured value, ready for a spreadsheet pivot or pandas.
///
/// Columns: `kind,id,mechanism,handler,workload,cpu,metric,value`. Scenario metrics have kind
/// `scenario`, walk counts `walk`, scaling points `scaling` (the metric names the x value; the
/// counters of the point's measured window follow it, as `… instructions per call`), fetch
/// costs `fetch`. Values are written in full (`ReportFormat.exact`): each reads back as the Double
/// in `results.json`. A fetch cost the run could not measure (`unavailableFetchCosts`) has kind
/// `fetch_unavailable`: a row per metric a fetch cost has, with an empty value, since there is no
/// figure (its mechanism and workload, known only once the definition is resolved, are empty too;
/// the reason is in `results.json` and the report). A walker that could not run has its counts as
/// `walk_unavailable` rows with empty values in the same way. A `modify` scenario has
/// `argument_change_reaches_function` (and, where an exit handler ran, `return_change_reaches_caller`):
/// 1 or 0, a `redirect` scenario `redirect_reaches_replacement`, and an `args` scenario
/// `entry_handler_registers_<group>_real` (and `exit_…` where a return hook ran) per group of the
/// register set its handler got (the values they were judged from are in `results.json`).
public enum CSVRenderer {
    public static let header = "kind,id,mechanism,handler,workload,cpu,metric,value"

    /// A fetch cost's metrics, in their column order.
    static let fetchMetrics: [(name: String, value: @Sendable (FetchCost) -> Double)] = [
        ("fetch_cycles_per_argument", \.cyclesPerArgument), ("fetch_cycles", \.fetchCycles), ("record_cycles", \.recordCycles),
        ("marginal_cycles_per_argument", \.marginalCyclesPerArgument), ("arguments", { Double($0.arguments) }),
    ]

    public static func render(_ results: RunResults) -> String {
        var lines = [header]
        func row(_ kind: String, _ id: String, _ mechanism: String, _ handler: String, _ workload: String,
                 _ cpu: String, _ metric: String, _ value: Double?) {
            lines.append([kind, id, mechanism, handler, workload, cpu, metric, value.map(ReportFormat.exact) ?? ""]
                .map(escape).joined(separator: ","))
        }
        for scenario in results.scenarios {
            let m = scenario.metrics
            func add(_ metric: String, _ value: Double) {
                row("scenario", scenario.id, scenario.path, scenario.handler, scenario.workload, scenario.cpu, metric, value)
            }
            for (window, comparison) in [("entry", m.entry), ("exit", m.exit)] {
                for (phase, counters) in [("steady", comparison.steady), ("first_hit", comparison.firstHit)] {
                    for (name, value) in counters.measured.named { add("\(window)_\(phase)_\(name)", value) }
                    for (name, value) in counters.overhead.named { add("\(window)_\(phase)_\(name)_overhead", value) }
                }
            }
            add("stack_bytes", m.stackBytes.measured)
            add("stack_bytes_overhead", m.stackBytes.overhead)
            if let used = m.stackAtHandlerEntry { add("stack_at_handler_entry", used) }
            add("attach_cycles", m.attachCycles)
            add("detach_cycles", m.detachCycles)
            if let change = scenario.handlerChange {
                add("argument_change_reaches_function", change.argumentReachesFunction ? 1 : 0)
                if let returned = change.returnValueReachesCaller { add("return_change_reaches_caller", returned ? 1 : 0) }
            }
            if let redirect = scenario.callRedirect { add("redirect_reaches_replacement", redirect.reachesReplacement ? 1 : 0) }
            for (point, group) in scenario.handlerRegisterGroups {
                let name = group.name.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
                add("\(point)_handler_registers_\(name)_real", group.isReal ? 1 : 0)
            }
            for walk in scenario.walks {
                let prefix = "\(walk.point.rawValue)_\(walk.walker.rawValue)"
                let counts = [("total", walk.total), ("correct", walk.correct), ("missing_frame", walk.missingFrame),
                              ("extra_frame", walk.extraFrame), ("unrecovered_trampoline", walk.unrecoveredTrampoline),
                              ("truncated", walk.truncated), ("refused", walk.refused),
                              ("wrong_but_claimed_reliable", walk.wrongButClaimedReliable)]
                // A walker that could not run (libdw missing) has rows without values, as an
                // unavailable fetch cost has: no count is invented.
                let available = walk.unavailable == nil
                for (name, value) in counts + (walk.masked.map { [("masked", $0)] } ?? []) {
                    row(available ? "walk" : "walk_unavailable", scenario.id, scenario.path, scenario.handler,
                        scenario.workload, scenario.cpu, "\(prefix)_\(name)", available ? Double(value) : nil)
                }
            }
        }
        for curve in results.scaling {
            for point in curve.points {
                let metric = "\(curve.quantity) at \(curve.parameter.rawValue)=\(ReportFormat.exact(point.x))"
                row("scaling", curve.id, curve.mechanism, curve.handler, curve.workload, curve.cpu, metric, point.y)
                for (name, value) in point.window?.named ?? [] where name != "cycles" {
                    row("scaling", curve.id, curve.mechanism, curve.handler, curve.workload, curve.cpu, "\(metric) \(name) per call", value)
                }
            }
        }
        for cost in results.fetchCosts {
            for metric in fetchMetrics {
                row("fetch", cost.definition, cost.mechanism, "fetch", cost.workload, cost.cpu, metric.name, metric.value(cost))
            }
        }
        for unavailable in results.unavailableFetchCosts {
            for metric in fetchMetrics {
                row("fetch_unavailable", unavailable.definition, "", "fetch", "", unavailable.cpu, metric.name, nil)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a field if it holds a comma, quote, line feed or carriage return (RFC 4180).
    static func escape(_ field: String) -> String {
        // Bytes, not Characters: grapheme breaking every field was 3% of a default-suite run (callgrind),
        // and it hid the line feed of a CRLF, which is one Character. No byte of a multi-byte UTF-8
        // sequence equals an ASCII one.
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n")
                                           || $0 == UInt8(ascii: "\r") })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
