/// The AArch64 register state a stack walk starts from: x0–x30, SP and PC.
public struct AArch64Registers: Equatable, Sendable {
    /// x0–x30 (31 values; a shorter array reads as zero for the missing registers, extra values are ignored).
    public var x: [UInt64]
    /// The stack pointer.
    public var sp: UInt64
    /// The program counter.
    public var pc: UInt64
    /// DWARF registers 0–31 (x0–x30, then SP) that are given: bit n for register n. A register
    /// left out is undefined to the unwinder, so a frame that needs it ends the walk rather than
    /// using a made-up value.
    public var given: UInt32 = ~0

    /// Registers with x0–x30 given (see ``x``), SP and PC.
    public init(x: [UInt64], sp: UInt64, pc: UInt64) {
        self.x = x
        self.sp = sp
        self.pc = pc
    }

    /// Registers of which only `given` (bits for DWARF registers 0–31) are known.
    public init(x: [UInt64], sp: UInt64, pc: UInt64, given: UInt32) {
        self.init(x: x, sp: sp, pc: pc)
        self.given = given
    }

    /// Registers with x0–x30 zero except the frame pointer (x29) and link register (x30).
    public init(pc: UInt64, sp: UInt64, fp: UInt64, lr: UInt64) {
        var x = [UInt64](repeating: 0, count: 31)
        x[29] = fp
        x[30] = lr
        self.init(x: x, sp: sp, pc: pc)
    }

    /// The DWARF register file for AArch64 numbering 0–31: x0–x30, then SP as register 31.
    var dwarfRegisters: [UInt64] {
        (0..<31).map { $0 < x.count ? x[$0] : 0 } + [sp]
    }
}

/// One frame of a stack walk.
public struct StackFrame: Equatable, Sendable, CustomStringConvertible {
    /// The frame's program counter: where execution is (innermost frame, or a frame interrupted by
    /// an exception) or the return address (every other frame).
    public let pc: UInt64
    /// Whether `pc` is where execution was interrupted (libdw's "activation") rather than a
    /// return address. Symbolize a return address as `pc - 1`, which lies in the call.
    public let isActivation: Bool
    /// The ELF symbol covering the frame (looked up at `pc - 1` for return addresses), if any.
    public let symbol: String?
    /// `pc` minus the symbol's address, when `symbol` is known.
    public let symbolOffset: UInt64?
    /// Whether the ELF's CFI (`.eh_frame` or `.debug_frame`) covers this frame's code. When it
    /// does not, libdw found the caller with its AArch64 frame-pointer fallback (the frame record
    /// at x29), a heuristic rather than the DWARF rules, which can skip a frame.
    public let isCoveredByCFI: Bool

    public init(pc: UInt64, isActivation: Bool, symbol: String?, symbolOffset: UInt64?, isCoveredByCFI: Bool) {
        self.pc = pc
        self.isActivation = isActivation
        self.symbol = symbol
        self.symbolOffset = symbolOffset
        self.isCoveredByCFI = isCoveredByCFI
    }

    /// `symbol+0xoffset`, or the bare address when no symbol covers it.
    public var description: String {
        guard let symbol, let symbolOffset else { return "0x" + hex(pc) }
        return "\(symbol)+0x\(hex(symbolOffset))"
    }
}

/// How a stack walk ended.
public enum StackWalkEnd: Equatable, Sendable {
    /// libdw reached the outermost frame: the CFI marks the return address undefined (or the
    /// frame-pointer fallback found a zero frame pointer).
    case completed
    /// libdw could not unwind further. The message is libdw's; when the walk needed memory outside
    /// the snapshot it names the address first (libdw itself reports such a walk as complete).
    case failed(message: String)
    /// The walk was stopped after this many frames (the caller's limit).
    case frameLimitReached(Int)
}

/// The result of one stack walk: the frames, innermost first, and how the walk ended.
public struct StackWalk: Equatable, Sendable {
    public let frames: [StackFrame]
    public let end: StackWalkEnd

    public init(frames: [StackFrame], end: StackWalkEnd) {
        self.frames = frames
        self.end = end
    }

    /// The frames' symbols, innermost first (`nil` where no symbol covers a frame).
    public var symbols: [String?] { frames.map(\.symbol) }
}
