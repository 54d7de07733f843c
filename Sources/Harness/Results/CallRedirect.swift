/// What a `redirect` handler did to the traced call: whether the call went to the workload's
/// replacement, as livepatch needs, judged from what it returned against what the untraced
/// workload and its replacement return for the same arguments.
public struct CallRedirect: Codable, Sendable, Equatable {
    /// The replacement the handler set the pc to.
    public var replacement: String
    /// What the untraced workload returns.
    public var untracedResult: Int64
    /// What the replacement, called directly, returns.
    public var replacementResult: Int64
    /// What the traced call returned (every call of the scenario returned the same).
    public var tracedResult: Int64
    /// Whether the call ran the replacement instead of the workload.
    public var reachesReplacement: Bool

    public init(replacement: String, untracedResult: Int64, replacementResult: Int64, tracedResult: Int64,
                reachesReplacement: Bool) {
        self.replacement = replacement
        self.untracedResult = untracedResult
        self.replacementResult = replacementResult
        self.tracedResult = tracedResult
        self.reachesReplacement = reachesReplacement
    }
}
