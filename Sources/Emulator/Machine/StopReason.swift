import A64

/// Why `Machine.run` returned.
public enum StopReason: Sendable, Equatable {
    /// The guest exited through semihosting with this status (the parameter block's 64-bit
    /// subcode, signed: nothing is cut off, so a status of 2^32 is not a success).
    case exited(status: Int64)
    /// The guest executed `HLT #imm` (other than the semihosting call): control returns to the host.
    case halted(immediate: UInt16, pc: UInt64)
    /// Execution reached a PC hook; resuming continues from that instruction.
    case hook(pc: UInt64)
    /// The instruction limit given to `run` was reached.
    case instructionLimit
    /// The guest did something the machine cannot continue from.
    case fault(MachineFault)
}

/// A guest error the machine cannot continue from, with what the user needs to find it.
public struct MachineFault: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A synchronous exception (UNDEFINED, abort, BRK, SVC, …) with no exception vectors installed.
        case exceptionWithoutVectors(syndrome: UInt64)
        /// An exception at the exception vector itself that can never get past it (a fetch that
        /// fails in the vector table, or a fault at the first instruction of the vector it enters
        /// with nothing retired since): the vectors are unusable.
        case recursiveException(syndrome: UInt64)
        /// A semihosting call this machine does not implement.
        case unsupportedSemihostingCall(UInt64)
        /// A guest operation outside what the machine models (e.g. enabling the MMU, returning to EL0).
        case unsupportedOperation(String)
        /// An instruction fetched from a code line the guest wrote without the cache maintenance and
        /// context synchronization the architecture requires (only with `requireCodeMaintenance(in:)`).
        case incoherentInstructionFetch(line: UInt64)
    }

    public var kind: Kind
    /// Where it happened.
    public var pc: UInt64
    /// The instruction word at `pc`, if it could be read.
    public var word: UInt32?
    /// A short explanation.
    public var message: String
    /// The last instructions executed before the fault, oldest first (address and word).
    public var recentInstructions: [RecentInstruction]

    public struct RecentInstruction: Sendable, Equatable {
        public var address: UInt64
        public var word: UInt32
    }

    public var description: String {
        var text = "\(message) at PC 0x\(String(pc, radix: 16))"
        if let word {
            text += ": word 0x\(Self.hex32(word)), \(Disassembler.text(word: word, address: pc).replacingOccurrences(of: "\t", with: " "))"
        }
        return text
    }

    /// The full report: the description, then the last instructions executed, each with its
    /// address (and symbol, if `symbolize` names it), word and disassembly.
    public func report(symbolize: (UInt64) -> String? = { _ in nil }) -> String {
        var lines = [description]
        if let name = symbolize(pc) { lines[0] += " in \(name)" }
        if !recentInstructions.isEmpty {
            lines.append("last instructions executed:")
            for instruction in recentInstructions {
                let name = symbolize(instruction.address).map { " <\($0)>" } ?? ""
                let text = Disassembler.text(word: instruction.word, address: instruction.address)
                    .replacingOccurrences(of: "\t", with: " ")
                lines.append("  0x\(String(instruction.address, radix: 16))\(name): \(Self.hex32(instruction.word))  \(text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func hex32(_ word: UInt32) -> String {
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Counters the machine keeps regardless of the cycle model.
public struct ExecutionCounters: Sendable, Equatable {
    public var instructions: UInt64 = 0
    public var exceptions: UInt64 = 0
    public var interrupts: UInt64 = 0
    /// Predecoded blocks the executor entered (a block the general executor runs one instruction
    /// of, and the executor then goes on with, counts once).
    public var blocksEntered: UInt64 = 0

    public init() {}
}
