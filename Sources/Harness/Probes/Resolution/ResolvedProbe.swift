import GuestKernel

/// A definition checked against the guest: the mechanism and attach parameter it maps to, and for
/// every argument the steps that fetch it and how it is stored. ``FetchProgramCompiler`` turns it
/// into the guest's fetch ops.
public struct ResolvedProbe: Equatable, Sendable {
    /// The probed function.
    public struct Function: Equatable, Sendable {
        public var name: String
        public var address: UInt64
        public var size: UInt64
    }

    public let definition: ProbeDefinition
    /// `p` → kprobe-xol, `r` (and `p …%return`) → kretprobe-brk, `f` → fprobe.
    public let mechanism: Mechanism
    /// The register snapshot the fetch programs read.
    public let registers: RegisterSetKind
    /// Whether the arguments are fetched at the function's return.
    public let isReturn: Bool
    public let group: String
    public let event: String
    public let function: Function
    /// Where an entry event fires: the probed instruction (kprobes: the symbol + the attach
    /// parameter) or the function (fprobes). Return events show the caller instead.
    public let probeAddress: UInt64
    /// The `pb_attach` parameter: for kprobes the byte offset from the symbol.
    public let attachParameter: UInt64
    public let arguments: [ResolvedArgument]

    /// The definition as the kernel lists it in `dynamic_events`, with the group, event and argument
    /// names filled in and types only where given: `p:kprobes/p_f_8 f+8 id=obj->id name=obj->name:string`.
    public var canonicalDefinition: String {
        var head: String
        switch (definition.kind, isReturn) {
        case (.fprobe, _): head = "f"
        case (_, true): head = "r"
        case (_, false): head = "p"
        }
        head += ":\(group)/\(event) \(function.name)"
        if definition.kind == .kprobe && !isReturn && definition.offset != 0 { head += "+\(definition.offset)" }
        if definition.kind == .fprobe && isReturn { head += "%return" }
        let fields = zip(arguments, definition.arguments).map { resolved, written in
            "\(resolved.name)=\(resolved.source)" + (written.type.map { ":\($0)" } ?? "")
        }
        return ([head] + fields).joined(separator: " ")
    }
}

/// One argument, resolved: steps leave a value in the guest's `val` register, then `store` appends it.
public struct ResolvedArgument: Equatable, Sendable {
    /// The field name in the event.
    public let name: String
    /// How the value is stored and shown.
    public let type: FetchType
    /// The C type the DWARF gives the fetched thing, when it is typed (`const char *`, `int`).
    public let cType: String?
    public let steps: [FetchStep]
    public let store: FetchStore
    /// The FETCHARG as written.
    public let source: String
    /// The argument's token in the definition.
    public let span: DefinitionSpan
}

/// One step of fetching a value into `val`, in the terms of the guest's fetch ops.
public enum FetchStep: Equatable, Sendable {
    /// `val = regs[offset]` (the offset depends on pt_regs or ftrace_regs).
    case loadRegister(offset: UInt64)
    /// `val = entry_sp[slot]`.
    case loadStackSlot(Int)
    /// `val = value`.
    case immediate(UInt64)
    /// `val = *(u64 *)(val + offset)`: follow a pointer.
    case dereference(offset: Int64)
    /// `val += offset`: an address inside the object (a `char[]` for `:string`).
    case add(Int64)
    /// `val = *(size, isSigned)(val + offset)`: load the value itself.
    case load(offset: Int64, size: Int, isSigned: Bool)
}

/// How a fetched value is appended to the record.
public enum FetchStore: Equatable, Sendable {
    /// `size` bytes, sign- or zero-extended to 8.
    case value(size: Int, isSigned: Bool)
    /// `width` bits at `shift` of a `containerSize`-byte value.
    case bitfield(containerSize: Int, width: Int, shift: Int, isSigned: Bool)
    /// The NUL-terminated string at `val`, at most `maxLength` bytes.
    case string(maxLength: Int)

    /// The most payload bytes the value can take in a record.
    var maximumPayloadBytes: Int {
        switch self {
        case .value, .bitfield: return 8
        case .string(let maxLength): return 8 + (maxLength + 7) / 8 * 8
        }
    }
}
