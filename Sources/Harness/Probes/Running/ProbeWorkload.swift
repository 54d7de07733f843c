import GuestKernel

/// The arguments `pb_wl_typed(obj, count, delta, mode, tag)` is called with; `obj` is always
/// `&pb_typed_object` and `tag` is `pb_typed_tag` (see `Guest/include/pb/typed.h`).
public struct TypedWorkloadArguments: Equatable, Sendable {
    public var count: Int64
    public var delta: Int32
    public var mode: UInt8

    public init(count: Int64 = -5, delta: Int32 = 1000, mode: UInt8 = 0xA5) {
        self.count = count
        self.delta = delta
        self.mode = mode
    }
}

/// What `bench probe` and the fetch-cost measurement run while a probe is attached: the typed
/// workload, or one of the harness's standard workloads.
public enum ProbeWorkload: Equatable, Sendable, CustomStringConvertible {
    /// `pb_wl_typed` with these scalar arguments.
    case typed(TypedWorkloadArguments)
    /// A workload of the suites, with the argument the scenario runner gives it.
    case standard(Workload)

    /// The typed workload with its default arguments.
    public static let typedDefault = ProbeWorkload.typed(TypedWorkloadArguments())

    /// Symbols of the typed workload's function and data.
    public enum TypedSymbol {
        public static let function = "pb_wl_typed"
        public static let object = "pb_typed_object"
        public static let tag = "pb_typed_tag"
    }

    /// `typed`, or a `Workload` name.
    public var name: String {
        switch self {
        case .typed: return "typed"
        case .standard(let workload): return workload.rawValue
        }
    }

    public var description: String { name }

    /// Every name `named(_:)` accepts.
    public static var names: [String] { ["typed"] + Workload.allCases.map(\.rawValue) }

    /// The workload called `name` (the typed one with its default arguments).
    public static func named(_ name: String) -> ProbeWorkload? {
        if name == "typed" { return typedDefault }
        return Workload(rawValue: name).map { .standard($0) }
    }

    /// The workload whose driver call enters `function` directly, if there is one.
    public static func calling(_ function: String) -> ProbeWorkload? {
        if function == TypedSymbol.function { return typedDefault }
        return Workload.allCases.first { $0.symbol == function }.map { .standard($0) }
    }

    /// A workload that runs `function`: the one that calls it directly, else one that reaches it
    /// (a tail-call target), if there is one.
    public static func entering(_ function: String) -> ProbeWorkload? {
        calling(function) ?? Workload.allCases.first { $0.auxiliarySymbols.contains(function) }.map { .standard($0) }
    }

    /// The function the guest driver calls.
    public var functionSymbol: String {
        switch self {
        case .typed: return TypedSymbol.function
        case .standard(let workload): return workload.symbol
        }
    }

    /// Sets `pb_control.call_args` for this workload and returns `pb_run`'s `arg0` and the call
    /// arguments it overwrote (index, previous value), to be put back with `restore`.
    func prepare(_ kernel: GuestKernel) throws -> (argument: UInt64, overwritten: [(Int, UInt64)]) {
        switch self {
        case .standard(let workload):
            return (UInt64(bitPattern: ScenarioRunner.argument(for: workload)), [])
        case .typed(let arguments):
            let previous = kernel.control.callArguments
            let values: [(Int, UInt64)] = [
                (1, UInt64(bitPattern: arguments.count)),
                (2, UInt64(bitPattern: Int64(arguments.delta))),
                (3, UInt64(arguments.mode)),
                (4, try kernel.address(of: TypedSymbol.tag)),
            ]
            for (index, value) in values { kernel.setCallArgument(index, to: value) }
            return (try kernel.address(of: TypedSymbol.object),
                    values.map { ($0.0, UInt64(bitPattern: previous[$0.0])) })
        }
    }

    /// Puts back the call arguments `prepare` overwrote.
    static func restore(_ overwritten: [(Int, UInt64)], in kernel: GuestKernel) {
        for (index, value) in overwritten { kernel.setCallArgument(index, to: value) }
    }
}
