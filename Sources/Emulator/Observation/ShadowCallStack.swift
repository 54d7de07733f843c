/// The active frames as actual control flow made them: the ground truth for stack walks.
///
/// It follows calls (BL, BLR), returns (RET), tail branches (B or BR to the start of another
/// function), exception entry and ERET. Because it records each call's real return address when
/// the call happens, it stays right while a tracer has replaced return addresses on the stack.
public final class ShadowCallStack: ControlFlowObserver {
    /// One active frame.
    public struct Frame: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The frame the observation started in.
            case root
            /// Entered by a call; `site` is the BL/BLR and `returnAddress` where it will return.
            case call
            /// Entered by an exception; `site` is the interrupted (preferred return) address.
            case exception
        }

        public var kind: Kind
        /// Entry address of the function running in this frame (updated by tail calls).
        public var function: UInt64
        /// The call instruction, or the preferred return address of an exception.
        public var site: UInt64
        /// Where the frame returns to (for exceptions, the preferred return address).
        public var returnAddress: UInt64
        /// The stack pointer when the frame was entered.
        public var stackPointer: UInt64

        public init(kind: Kind, function: UInt64, site: UInt64, returnAddress: UInt64, stackPointer: UInt64) {
            self.kind = kind
            self.function = function
            self.site = site
            self.returnAddress = returnAddress
            self.stackPointer = stackPointer
        }
    }

    public private(set) var frames: [Frame]
    /// Control flow the stack could not match: a RET with no call frame, an ERET with no exception frame.
    public private(set) var anomalies: [String] = []
    private let functionStarts: Set<UInt64>

    /// Starts observing with one root frame for `function`.
    public init(functionStarts: Set<UInt64>, rootFunction: UInt64, stackPointer: UInt64) {
        self.functionStarts = functionStarts
        frames = [Frame(kind: .root, function: rootFunction, site: 0, returnAddress: 0, stackPointer: stackPointer)]
    }

    public var depth: Int { frames.count }

    /// Starts over with one root frame, for a new host call.
    public func reset(rootFunction: UInt64, stackPointer: UInt64) {
        frames = [Frame(kind: .root, function: rootFunction, site: 0, returnAddress: 0, stackPointer: stackPointer)]
        anomalies.removeAll()
    }

    public func called(from site: UInt64, to target: UInt64, returnAddress: UInt64, stackPointer: UInt64) {
        frames.append(Frame(kind: .call, function: target, site: site, returnAddress: returnAddress, stackPointer: stackPointer))
    }

    /// A RET leaves frames by where it goes and what the stack pointer says:
    /// 1. to the return address of a call frame whose stack the RET has released: that frame and
    ///    any above it end (ordinary returns, and trampolines that return for the function they called);
    /// 2. elsewhere, with the top frame's stack released: the top frame ends (a return hijacked to a
    ///    trampoline — the function did return);
    /// 3. elsewhere, with the stack still below the top frame's: no frame ends (a trampoline jumping
    ///    back into its caller, e.g. return_to_handler's final RET).
    public func returned(from site: UInt64, to target: UInt64, stackPointer: UInt64) {
        guard let top = frames.last, top.kind == .call else {
            anomalies.append("RET at 0x\(String(site, radix: 16)) with no call frame to leave")
            return
        }
        let boundary = (frames.lastIndex { $0.kind != .call } ?? -1) + 1
        if let index = frames[boundary...].lastIndex(where: { $0.returnAddress == target && stackPointer >= $0.stackPointer }) {
            frames.removeSubrange(index...)
        } else if stackPointer >= top.stackPointer {
            frames.removeLast()
        }
    }

    public func branched(from site: UInt64, to target: UInt64, stackPointer: UInt64) {
        guard functionStarts.contains(target), var top = frames.last, top.function != target else { return }
        top.function = target
        frames[frames.count - 1] = top
    }

    public func exceptionTaken(at pc: UInt64, to vector: UInt64, stackPointer: UInt64) {
        frames.append(Frame(kind: .exception, function: vector, site: pc, returnAddress: pc, stackPointer: stackPointer))
    }

    public func exceptionReturned(from site: UInt64, to target: UInt64, stackPointer: UInt64) {
        guard let index = frames.lastIndex(where: { $0.kind == .exception }) else {
            anomalies.append("ERET at 0x\(String(site, radix: 16)) with no exception frame to leave")
            return
        }
        if index != frames.count - 1 {
            anomalies.append("ERET at 0x\(String(site, radix: 16)) left \(frames.count - 1 - index) call frame(s) open")
        }
        frames.removeSubrange(index...)
    }
}
