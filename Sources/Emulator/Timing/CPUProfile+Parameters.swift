import A64

/// One row of a profile's parameter table: what `bench list --cpus` prints.
public struct ProfileParameter: Sendable, Equatable {
    public let parameter: String
    public let value: String
    public let source: String
}

extension CPUProfile {
    /// Every parameter of the profile with its value and source, scalar parameters first, then
    /// forwarding paths, then one row per timing class.
    public func parameterRows() -> [ProfileParameter] {
        func row<V>(_ name: String, _ sourced: Sourced<V>) -> ProfileParameter {
            ProfileParameter(parameter: name, value: "\(sourced.value)", source: sourced.source)
        }
        var rows: [ProfileParameter] = [
            ProfileParameter(parameter: "pipeline", value: pipeline.rawValue, source: summary),
            row("issue width (micro-ops/cycle)", issueWidth),
        ]
        if pipeline == .outOfOrder { rows.append(row("reorder window (micro-ops)", reorderWindow)) }
        rows += [
            row("in-order writeback", inOrderWriteback),
            ProfileParameter(parameter: "issue pipes", value: pipes.joined(separator: " "),
                             source: issueWidth.source.components(separatedBy: ":").first ?? issueWidth.source),
            row("branch mispredict penalty (cycles)", mispredictPenalty),
            row("return-address stack entries", returnStackDepth),
            row("branch target buffer entries", branchTargetBufferEntries),
            row("conditional predictor counters", conditionalPredictorEntries),
            row("global history bits", globalHistoryBits),
            row("L1 instruction cache", instructionCache),
            row("L1 data cache", dataCache),
            row("L1 miss latency (cycles)", missLatency),
            row("exception entry (cycles)", exceptionEntry),
            row("ERET (cycles)", exceptionReturn),
            row("ISB (cycles)", instructionBarrier),
            row("DSB (cycles)", dataSynchronizationBarrier),
            row("DMB (cycles)", dataMemoryBarrier),
            row("MRS latency (cycles)", systemRegisterRead),
            row("MSR (cycles)", systemRegisterWrite),
            row("DC by address (cycles)", dataCacheMaintenance),
            row("IC invalidate (cycles)", instructionCacheMaintenance),
        ]
        for path in forwarding {
            rows.append(ProfileParameter(
                parameter: "forwarding to \(path.role)" + (path.onlyFromMultiply ? " from multiply" : ""),
                value: "\(path.cycles) cycles early", source: path.source))
        }
        for timingClass in TimingClass.allCases {
            let cost = cost(of: timingClass)
            let units = cost.uses.map { use in
                let names = pipes.indices.filter { use.pipes & (1 << $0) != 0 }.map { pipes[$0] }
                return names.joined(separator: "|") + (use.cycles > 1 ? "×\(use.cycles)" : "")
            }.joined(separator: " ")
            var value = "\(cost.microOps) µop\(cost.microOps == 1 ? "" : "s"), latency \(cost.latency)"
            if !units.isEmpty { value += ", " + units }
            rows.append(ProfileParameter(parameter: "class \(timingClass)", value: value, source: cost.source))
        }
        return rows
    }
}
