/// A `FETCHARG`: where a value comes from, then any `->` / `.` member accesses on it.
public struct FetchExpression: Equatable, Sendable {
    public var base: FetchBase
    public var baseSpan: DefinitionSpan
    /// Member accesses in order: `obj->inner.value` is `[->inner, .value]`.
    public var fields: [FieldAccess]
    /// The whole expression.
    public var span: DefinitionSpan

    /// Whether `$retval` appears anywhere in it (an `f` probe then becomes a return probe).
    public var usesReturnValue: Bool {
        switch base {
        case .returnValue: return true
        case .dereference(_, _, let inner): return inner.usesReturnValue
        default: return false
        }
    }
}

/// The start of a fetch argument, as the kernel's `parse_probe_arg` distinguishes them.
public indirect enum FetchBase: Equatable, Sendable {
    /// `%REG`: a register from the pt_regs (kprobes only).
    case register(String)
    /// `$argN` (N ≥ 1): the Nth function argument, at function entry.
    case argument(Int)
    /// `$retval`: the return value, in return probes.
    case returnValue
    /// `$stackN`: the Nth 8-byte entry of the stack.
    case stackEntry(Int)
    /// `$stack`: the stack pointer.
    case stackAddress
    /// `@ADDR`: memory at a fixed address.
    case memoryAddress(UInt64)
    /// `@SYM[+|-OFFS]`: memory at a data symbol plus an offset.
    case dataSymbol(name: String, offset: Int64)
    /// `+|-OFFS(FETCHARG)`: memory at the inner value plus an offset.
    case dereference(offset: Int64, offsetSpan: DefinitionSpan, inner: FetchExpression)
    /// `\IMM`: an immediate value.
    case immediate(Int64)
    /// A parameter name of the probed function (typed from its DWARF).
    case variable(String)

    /// How the base is written, for messages: `%x0`, `$arg2`, `obj`, `+8(...)`.
    public var spelling: String {
        switch self {
        case .register(let name): return "%\(name)"
        case .argument(let index): return "$arg\(index)"
        case .returnValue: return "$retval"
        case .stackEntry(let index): return "$stack\(index)"
        case .stackAddress: return "$stack"
        case .memoryAddress(let address): return "@0x\(String(address, radix: 16))"
        case .dataSymbol(let name, let offset): return "@\(name)" + (offset == 0 ? "" : offset > 0 ? "+\(offset)" : "\(offset)")
        case .dereference(let offset, _, _): return "\(offset >= 0 ? "+" : "")\(offset)(...)"
        case .immediate(let value): return "\\\(value)"
        case .variable(let name): return name
        }
    }
}

/// One `->NAME` or `.NAME` step.
public struct FieldAccess: Equatable, Sendable {
    public enum Operator: String, Equatable, Sendable {
        /// `->`: the value so far is a pointer to a struct or union.
        case arrow = "->"
        /// `.`: the value so far is a struct or union itself (embedded).
        case dot = "."
    }

    public var op: Operator
    public var operatorSpan: DefinitionSpan
    public var name: String
    public var nameSpan: DefinitionSpan
}
