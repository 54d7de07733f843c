import GuestKernel

/// Why a traced call's result could not be explained by what its handler did.
struct UnexplainedResult: Error, CustomStringConvertible {
    let description: String
}

extension HandlerChange {
    /// Judges which of a `modify` handler's changes reached the function and the caller: the
    /// traced result must be the untraced one with exactly one combination of them applied (the
    /// argument's, then the return value's where an exit handler ran). Anything else means the
    /// path changed the call's result in a way the handler did not, and is an error.
    static func judge(argument: Int64, untracedResult: Int64, untracedResultWithChangedArgument: Int64,
                      tracedResult: Int64, exitHandlerRan: Bool,
                      returnDelta: Int64 = GuestABI.modifyReturnDelta) throws(UnexplainedResult) -> HandlerChange {
        var matches: [(argument: Bool, returnValue: Bool)] = []
        for argumentCarried in [false, true] {
            let body = argumentCarried ? untracedResultWithChangedArgument : untracedResult
            for returnCarried in exitHandlerRan ? [false, true] : [false]
            where tracedResult == (returnCarried ? body &+ returnDelta : body) {
                matches.append((argumentCarried, returnCarried))
            }
        }
        let values = "the traced call returned \(tracedResult); untraced, the function returns \(untracedResult) for "
            + "\(argument) and \(untracedResultWithChangedArgument) for the changed argument"
            + (exitHandlerRan ? ", and the exit handler adds \(returnDelta)" : " (no exit handler ran)")
        guard let match = matches.first else {
            throw UnexplainedResult(description: "\(values): no combination of the handler's changes gives that, so the path "
                              + "changed the result itself")
        }
        guard matches.count == 1 else {
            throw UnexplainedResult(description: "\(values): more than one combination of the handler's changes gives that, "
                              + "so the workload cannot tell which reached the function")
        }
        return HandlerChange(argument: argument, untracedResult: untracedResult,
                             untracedResultWithChangedArgument: untracedResultWithChangedArgument,
                             tracedResult: tracedResult, argumentReachesFunction: match.argument,
                             returnValueReachesCaller: exitHandlerRan ? match.returnValue : nil)
    }

    /// `pb_run`'s accumulation (`acc = acc * 31 + result`, wrapping) of `calls` calls that each
    /// returned `result`: what a driver loop returns when every call returned the same.
    static func driverAccumulation(of result: Int64, calls: Int) -> Int64 {
        (0..<calls).reduce(Int64(0)) { accumulated, _ in accumulated &* 31 &+ result }
    }
}
