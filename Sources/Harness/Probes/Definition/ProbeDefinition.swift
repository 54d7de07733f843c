/// A dynamic-event definition in the syntax of the kernel's `dynamic_events`, parsed but not yet
/// resolved against the guest:
///
///     p[:[GRP/]EVENT] SYM[+OFFS] [ARGS]        kprobe
///     p[:[GRP/]EVENT] SYM%return [ARGS]        kretprobe (the kernel's alias)
///     r[:[GRP/]EVENT] SYM[+0] [ARGS]           kretprobe
///     f[:[GRP/][EVENT]] SYM[%return] [ARGS]    fprobe (a `$retval` argument makes it a return probe)
///
/// Each argument is `[NAME=]FETCHARG[:TYPE]` (see ``FetchArgument`` and ``FetchType``).
/// Parse with ``parse(_:)``; every position is kept for error carets.
public struct ProbeDefinition: Equatable, Sendable {
    /// Which kind of dynamic event.
    public enum Kind: String, Equatable, Sendable {
        case kprobe = "p"
        case kretprobe = "r"
        case fprobe = "f"
    }

    /// The text as given.
    public var text: String
    public var kind: Kind
    /// `MAXACTIVE` after `r` or `f` (digits), if given.
    public var maxActive: Int?
    public var maxActiveSpan: DefinitionSpan?
    /// `GRP` of `:GRP/EVENT`, if given.
    public var group: String?
    public var groupSpan: DefinitionSpan?
    /// `EVENT` of `:[GRP/]EVENT`, if given.
    public var event: String?
    public var eventSpan: DefinitionSpan?
    /// The probed function's symbol.
    public var symbol: String
    public var symbolSpan: DefinitionSpan
    /// `+OFFS` / `-OFFS` after the symbol (kprobes; `r` accepts only 0), symbol-relative as in the kernel.
    public var offset: Int64
    public var offsetSpan: DefinitionSpan?
    /// Whether the symbol carried `%return`.
    public var hasReturnSuffix: Bool
    public var returnSuffixSpan: DefinitionSpan?
    /// The span of the whole `SYM[+OFFS][%return]` token.
    public var probePointSpan: DefinitionSpan
    /// The arguments in order.
    public var arguments: [ProbeArgument]

    /// Whether the event fires at the function's return: `r`, `p SYM%return`, `f SYM%return`, or an
    /// `f` probe with a `$retval` argument (the kernel assumes a return probe then).
    public var isReturnProbe: Bool {
        switch kind {
        case .kretprobe: return true
        case .kprobe: return hasReturnSuffix
        case .fprobe: return hasReturnSuffix || arguments.contains { $0.fetch.usesReturnValue }
        }
    }
}

/// One `[NAME=]FETCHARG[:TYPE]` argument.
public struct ProbeArgument: Equatable, Sendable {
    /// `NAME` if given, else the kernel's default: the FETCHARG when it is a plain name, the last
    /// member of a field access, or `argN` by position.
    public var name: String
    /// Where `NAME` is written; nil when the name is the default.
    public var nameSpan: DefinitionSpan?
    /// What to fetch.
    public var fetch: FetchExpression
    /// `:TYPE` if given.
    public var type: FetchType?
    public var typeSpan: DefinitionSpan?
    /// The whole token.
    public var span: DefinitionSpan
    /// The `FETCHARG` text (without `NAME=` and `:TYPE`), for default names.
    public var fetchText: String
}
