import A64

/// One instruction as a trace shows it: where, what, and which registers it changed.
public struct TraceStep: Sendable, Equatable {
    public var address: UInt64
    public var word: UInt32
    /// Registers whose value changed, in register order (X0–X30, SP, NZCV, PC only when it jumped).
    public var writes: [(name: String, value: UInt64)]
    /// Cycles the instruction cost under the active cycle model.
    public var cycles: UInt64
    /// Set when the machine stopped instead of completing the instruction normally.
    public var stop: StopReason?
    /// The step took an exception due before `address` was fetched (an IRQ, a software step):
    /// the instruction there did not run; `cycles` are the exception entry's.
    public var exceptionBeforeFetch = false

    public static func == (lhs: TraceStep, rhs: TraceStep) -> Bool {
        lhs.address == rhs.address && lhs.word == rhs.word && lhs.cycles == rhs.cycles && lhs.stop == rhs.stop
            && lhs.exceptionBeforeFetch == rhs.exceptionBeforeFetch
            && lhs.writes.elementsEqual(rhs.writes) { $0.name == $1.name && $0.value == $1.value }
    }

    /// `0x… <symbol+0x…>: word  disassembly   x0=0x… sp=0x…` (`symbolize` names addresses).
    public func formatted(symbolize: (UInt64) -> String?) -> String {
        let name = symbolize(address).map { " <\($0)>" } ?? ""
        let text = exceptionBeforeFetch ? "(exception taken before this instruction)"
            : Disassembler.text(word: word, address: address, symbolizer: symbolize).replacingOccurrences(of: "\t", with: " ")
        let effects = writes.map { "\($0.name)=0x\(String($0.value, radix: 16))" }.joined(separator: " ")
        let padded = text.count < 40 ? text + String(repeating: " ", count: 40 - text.count) : text
        return "0x\(String(address, radix: 16))\(name): \(MachineFault.hex32(word))  \(padded) \(effects)"
    }
}

extension Machine {
    /// Executes one instruction (or takes the exception due before it) and reports what changed.
    public func step(cycles readCycles: () -> UInt64) -> TraceStep {
        let before = (0...30).map { registers[$0] }
        let spBefore = sp, nzcvBefore = pstate.nzcv, address = pc
        let word = memory.readUInt32(at: address) ?? 0
        let cyclesBefore = readCycles()
        let exceptionsBefore = counters.exceptions, instructionsBefore = counters.instructions
        stopsAfterExceptionBeforeFetch = true
        let stop = run(instructionLimit: 1)
        stopsAfterExceptionBeforeFetch = false
        var writes: [(String, UInt64)] = []
        for index in 0...30 where registers[index] != before[index] { writes.append(("x\(index)", registers[index])) }
        if sp != spBefore { writes.append(("sp", sp)) }
        if pstate.nzcv != nzcvBefore { writes.append(("nzcv", UInt64(pstate.nzcv >> 28))) }
        if counters.exceptions != exceptionsBefore { writes.append(("vector", pc)) }
        return TraceStep(address: address, word: word, writes: writes, cycles: readCycles() &- cyclesBefore,
                         stop: stop == .instructionLimit ? nil : stop,
                         exceptionBeforeFetch: counters.instructions == instructionsBefore && counters.exceptions != exceptionsBefore)
    }
}
