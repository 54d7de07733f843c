import GuestKernel

extension Suite {
    /// Handler kinds whose verdict assumes one hook on the function: `modify` and `redirect` judge the
    /// call's result by what one path carries, so they are measured alone (left out of a group with
    /// `alongside` when it names them through "all").
    public static let handlersMeasuredAlone: Set<HandlerKind> = [.modify, .redirect]

    /// Why `other` cannot be attached beside each of `mechanisms` for `handlers`, or nil. A function
    /// takes one BRK mechanism and one patch-site mechanism at once, as a kprobe (on the site's
    /// `mov x9, x30`) and ftrace (the call after it) share a function on arm64.
    public static func alongsideProblem(_ other: Mechanism, mechanisms: [Mechanism], handlers: [HandlerKind]) -> String? {
        guard Mechanism.measurable.contains(other), other != .none else {
            return "not a mechanism that can trace a function beside another"
        }
        if mechanisms.contains(.none) {
            return "none is the baseline, measured with nothing attached"
        }
        if let same = mechanisms.first(where: { $0.usesBreakpoint == other.usesBreakpoint }) {
            let kind = other.usesBreakpoint ? "a BRK on the symbol" : "the patch site's call"
            return "\(same.rawValue) hooks the function the same way (\(kind)): a function takes one BRK mechanism and one "
                + "patch-site mechanism at once"
        }
        if let handler = handlers.first(where: handlersMeasuredAlone.contains) {
            return "handler '\(handler.rawValue)' judges the call's result by what one path carries, so it is measured alone"
        }
        return nil
    }
}
