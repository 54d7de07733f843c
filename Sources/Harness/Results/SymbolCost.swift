import Emulator

/// What one symbol spent in a measurement window, per call (the mean over the measured calls).
public struct SymbolCost: Codable, Sendable, Equatable {
    /// The function (or trampoline, vector, …) whose instructions spent it; `<unknown>` outside every symbol.
    public var symbol: String
    public var cycles: Double
    public var instructions: Double
    public var exceptions: Double

    public init(symbol: String, cycles: Double, instructions: Double, exceptions: Double) {
        self.symbol = symbol
        self.cycles = cycles
        self.instructions = instructions
        self.exceptions = exceptions
    }

    /// The mean per call of per-call attributions, most cycles first (ties by name).
    static func mean(of calls: [[TimingAttribution.Entry]]) -> [SymbolCost] {
        guard !calls.isEmpty else { return [] }
        var totals: [String: TimingCounters] = [:]
        for entry in calls.joined() { totals[entry.symbol, default: TimingCounters()] += entry.counters }
        let count = Double(calls.count)
        return totals.map { symbol, counters in
            SymbolCost(symbol: symbol, cycles: Double(counters.cycles) / count,
                       instructions: Double(counters.instructions) / count, exceptions: Double(counters.exceptions) / count)
        }
        .sorted { ($0.cycles, $1.symbol) > ($1.cycles, $0.symbol) }
    }
}
