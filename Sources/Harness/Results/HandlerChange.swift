/// What a `modify` handler's changes did to the traced call: whether the first argument its entry
/// handler changed reached the function, and whether the return value its exit handler changed
/// reached the caller. Judged from what the call returned against what the untraced function
/// returns with the driver's argument and with the changed one, both measured on the same guest.
public struct HandlerChange: Codable, Sendable, Equatable {
    /// The first argument the driver passed.
    public var argument: Int64
    /// What the untraced function returns for `argument`.
    public var untracedResult: Int64
    /// What the untraced function returns for `argument` plus the entry handler's change.
    public var untracedResultWithChangedArgument: Int64
    /// What the traced call returned (every call of the scenario returned the same).
    public var tracedResult: Int64
    /// Whether the entry handler's change to the first argument reached the function.
    public var argumentReachesFunction: Bool
    /// Whether the exit handler's change to the return value reached the caller; nil where no exit
    /// handler ran (a path without a return hook).
    public var returnValueReachesCaller: Bool?

    public init(argument: Int64, untracedResult: Int64, untracedResultWithChangedArgument: Int64, tracedResult: Int64,
                argumentReachesFunction: Bool, returnValueReachesCaller: Bool?) {
        self.argument = argument
        self.untracedResult = untracedResult
        self.untracedResultWithChangedArgument = untracedResultWithChangedArgument
        self.tracedResult = tracedResult
        self.argumentReachesFunction = argumentReachesFunction
        self.returnValueReachesCaller = returnValueReachesCaller
    }
}
