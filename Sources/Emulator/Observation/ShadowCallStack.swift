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
            /// A return hijacked to a trampoline (kretprobes, the graph tracer): the function has
            /// returned but its caller resumes only when the trampoline reaches `returnAddress`.
            case returnTrampoline
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
    /// 1. to the return address of a frame whose stack the RET has released: that frame and any
    ///    above it end (ordinary returns, trampolines returning for the function they called, and
    ///    return trampolines finally resuming the caller);
    /// 2. elsewhere, with the top call frame's stack released: the function returned, but to a
    ///    trampoline — its frame ends and a `returnTrampoline` frame stands for the caller's
    ///    pending resumption at the real return address;
    /// 3. elsewhere, with the stack still below the top frame's: no frame ends (a computed jump).
    public func returned(from site: UInt64, to target: UInt64, stackPointer: UInt64) {
        if resume(at: target, stackPointer: stackPointer) { return }
        guard let top = frames.last, top.kind == .call else {
            anomalies.append("RET at 0x\(String(site, radix: 16)) with no call frame to leave")
            return
        }
        if stackPointer >= top.stackPointer {
            frames.removeLast()
            frames.append(Frame(kind: .returnTrampoline, function: target, site: site,
                                returnAddress: top.returnAddress, stackPointer: stackPointer))
        }
    }

    /// Ends the top-most call or return-trampoline frame (above the last exception) that returns to
    /// `target` with its stack released, and every frame above it. Returns whether one ended.
    private func resume(at target: UInt64, stackPointer: UInt64) -> Bool {
        let boundary = (frames.lastIndex { $0.kind == .exception || $0.kind == .root } ?? -1) + 1
        guard boundary < frames.count,
              let index = frames[boundary...].lastIndex(where: { $0.returnAddress == target && stackPointer >= $0.stackPointer })
        else { return false }
        frames.removeSubrange(index...)
        return true
    }

    public func branched(from site: UInt64, to target: UInt64, stackPointer: UInt64) {
        if let top = frames.last, top.kind == .returnTrampoline, top.returnAddress == target,
           stackPointer >= top.stackPointer {
            frames.removeLast()
            return
        }
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
        // An ERET that lands on the real return address of a hijacked return (kretprobe's BRK
        // trampoline) also completes that return.
        if let top = frames.last, top.kind == .returnTrampoline, top.returnAddress == target,
           stackPointer >= top.stackPointer {
            frames.removeLast()
        }
    }
}
