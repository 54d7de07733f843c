import GuestKernel

extension HandlerKind {
    /// Why this handler kind cannot be measured on `workload`, or nil when it can.
    ///
    /// `modify` adds `GuestABI.modifyArgumentDelta` to the first argument at every traced entry,
    /// and the recursive workload's first argument is its depth: each level would recurse that much
    /// deeper, past the guest's task stack. `redirect` needs a replacement, which the recursive
    /// workload has not (every level of it would be redirected).
    public func unmeasurableReason(on workload: Workload) -> String? {
        switch self {
        case .modify where workload == .recursive:
            return "modify on recursive: the entry handler adds \(GuestABI.modifyArgumentDelta) to the first argument, "
                + "which is the recursion depth, at every level, so the call would never return"
        case .redirect where workload.replacementSymbol == nil:
            return "redirect on \(workload.rawValue): the workload has no replacement to redirect to"
        default:
            return nil
        }
    }
}
