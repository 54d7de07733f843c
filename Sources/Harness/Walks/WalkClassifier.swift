import Emulator

/// What a stack walk should have found, from the shadow call stack.
public struct ExpectedWalk: Sendable, Equatable {
    /// Innermost first: the return address of each active frame (for an exception frame, the
    /// interrupted PC), down to the first frame above the root.
    public var pcs: [UInt64]

    /// The frames above `frames[skipping]`, read from the top: each call frame contributes its return
    /// address and each exception frame the interrupted PC. The root frame (the host call) has none.
    public init(frames: [ShadowCallStack.Frame], droppingTop dropped: Int = 0) {
        pcs = frames.dropFirst().dropLast(dropped).reversed().map(\.returnAddress)
    }

    public init(pcs: [UInt64]) {
        self.pcs = pcs
    }

    /// What a walk from the registers a handler of `function` was given must find, or nil when no
    /// frame of the call is active. At entry (`resumePC` is the pc the handler's registers hold: the
    /// probed symbol for a BRK path, the first body instruction for the ftrace-based paths): the
    /// function there, then its return address and its callers'. At exit:
    /// the return address, then the callers'. The call's frame is the innermost call frame of
    /// `function` or, at exit, a return trampoline's frame standing for it after the function returned.
    public init?(fromHandlerRegistersOf function: UInt64, frames: [ShadowCallStack.Frame], resumePC: UInt64?) {
        let atExit = resumePC == nil
        guard let call = frames.lastIndex(where: {
            ($0.kind == .call && $0.function == function) || (atExit && $0.kind == .returnTrampoline)
        }) else { return nil }
        pcs = (resumePC.map { [$0] } ?? []) + ExpectedWalk(frames: Array(frames[...call])).pcs
    }
}

/// A walk's verdict against the shadow call stack.
public enum WalkVerdict: String, Sendable, Equatable, CaseIterable {
    case correct
    case missingFrame = "missing frame"
    case extraFrame = "extra frame"
    case unrecoveredTrampoline = "unrecovered trampoline address"
    case truncated
}

/// Compares walks with ground truth, frame by frame.
public struct WalkClassifier: Sendable {
    /// Addresses of code whose address in a walk means a return address was not recovered
    /// (return_to_handler, the kretprobe trampolines).
    public var returnTrampolines: [Range<UInt64>]

    public init(returnTrampolines: [Range<UInt64>]) {
        self.returnTrampolines = returnTrampolines
    }

    /// Classifies `actual` (innermost first) against `expected`.
    ///
    /// Order of precedence: a trampoline address where a real return address belongs is the
    /// most specific failure; then a walk that matches a proper prefix (truncated); then missing
    /// and extra frames, found by aligning the two lists on their longest common subsequence.
    public func classify(actual: [UInt64], expected: [UInt64]) -> WalkVerdict {
        if actual == expected { return .correct }
        let expectedSet = Set(expected)
        if actual.contains(where: { pc in !expectedSet.contains(pc) && isReturnTrampoline(pc) }) {
            return .unrecoveredTrampoline
        }
        if actual.count < expected.count && Array(expected.prefix(actual.count)) == actual {
            return .truncated
        }
        let common = Self.longestCommonSubsequenceLength(actual, expected)
        if common < expected.count { return .missingFrame }
        return .extraFrame
    }

    func isReturnTrampoline(_ pc: UInt64) -> Bool {
        returnTrampolines.contains { $0.contains(pc) }
    }

    static func longestCommonSubsequenceLength(_ a: [UInt64], _ b: [UInt64]) -> Int {
        guard !a.isEmpty && !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Accumulates verdicts for one walk point and walker into a `WalkVerification`.
public struct WalkTally: Sendable {
    public private(set) var verification: WalkVerification
    public static let exampleLimit = 3

    public init(point: WalkPoint, walker: Walker) {
        verification = WalkVerification(point: point, walker: walker)
    }

    /// Records one walk. `claimedReliable` is true when a reliable walker returned success;
    /// `refused` when it returned an error (a refusal is never "wrong").
    public mutating func record(_ verdict: WalkVerdict, refused: Bool = false, claimedReliable: Bool = false,
                                example: @autoclosure () -> WalkExample) {
        verification.total += 1
        if refused {
            verification.refused += 1
            return
        }
        switch verdict {
        case .correct: verification.correct += 1
        case .missingFrame: verification.missingFrame += 1
        case .extraFrame: verification.extraFrame += 1
        case .unrecoveredTrampoline: verification.unrecoveredTrampoline += 1
        case .truncated: verification.truncated += 1
        }
        if verdict != .correct {
            if claimedReliable { verification.wrongButClaimedReliable += 1 }
            if verification.examples.count < Self.exampleLimit { verification.examples.append(example()) }
        }
    }

    /// Marks the walker as unable to run, with the reason (reported as "unavailable", never a pass).
    public mutating func markUnavailable(_ reason: String) {
        verification.unavailable = reason
    }

    public mutating func merge(_ other: WalkVerification) {
        verification.total += other.total
        verification.correct += other.correct
        verification.missingFrame += other.missingFrame
        verification.extraFrame += other.extraFrame
        verification.unrecoveredTrampoline += other.unrecoveredTrampoline
        verification.truncated += other.truncated
        verification.refused += other.refused
        verification.wrongButClaimedReliable += other.wrongButClaimedReliable
        if verification.unavailable == nil { verification.unavailable = other.unavailable }
        if let masked = other.masked { verification.masked = (verification.masked ?? 0) + masked }
        for example in other.examples where verification.examples.count < Self.exampleLimit {
            verification.examples.append(example)
        }
    }
}
