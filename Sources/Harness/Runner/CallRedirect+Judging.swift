extension CallRedirect {
    /// Judges whether a `redirect` handler's call ran the replacement: the traced result must be the
    /// replacement's or the workload's own; anything else (or a replacement that returns what the
    /// workload does, which cannot tell them apart) is an error.
    static func judge(replacement: String, untracedResult: Int64, replacementResult: Int64,
                      tracedResult: Int64) throws(UnexplainedResult) -> CallRedirect {
        let values = "the traced call returned \(tracedResult); untraced, the workload returns \(untracedResult) and "
            + "\(replacement) returns \(replacementResult)"
        guard replacementResult != untracedResult else {
            throw UnexplainedResult(description: "\(values): the two cannot be told apart")
        }
        guard tracedResult == replacementResult || tracedResult == untracedResult else {
            throw UnexplainedResult(description: "\(values): neither ran as called, so the path changed the result itself")
        }
        return CallRedirect(replacement: replacement, untracedResult: untracedResult, replacementResult: replacementResult,
                            tracedResult: tracedResult, reachesReplacement: tracedResult == replacementResult)
    }
}
