import Emulator

/// What one symbol spent in a measurement window, per call (the mean over the measured calls).
public struct SymbolCost: Codable, Sendable, Equatable {
    /// The function (or trampoline, vector, …) whose instructions spent it; `<unknown>` outside every symbol.
    public var symbol: String
    /// Cycles, instructions, exceptions, mispredicts and cache misses per call.
    public var counters: WindowCounters

    public init(symbol: String, counters: WindowCounters) {
        self.symbol = symbol
        self.counters = counters
    }

    public var cycles: Double { counters.cycles }

    /// The mean per call of per-call attributions, most cycles first (ties by name).
    static func mean(of calls: [[TimingAttribution.Entry]]) -> [SymbolCost] {
        guard !calls.isEmpty else { return [] }
        var totals: [String: TimingCounters] = [:]
        for entry in calls.joined() { totals[entry.symbol, default: TimingCounters()] += entry.counters }
        return totals.map { symbol, counters in
            SymbolCost(symbol: symbol, counters: CounterSnapshot(counters).windowCounters.divided(by: Double(calls.count)))
        }
        .sorted { ($0.cycles, $1.symbol) > ($1.cycles, $0.symbol) }
    }
}
