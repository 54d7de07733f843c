import GuestKernel

/// A resolved probe with its fetch programs in the guest's op format, ready to be written into
/// `pb_control.fetch_entry` / `fetch_exit`.
public struct CompiledProbe: Equatable, Sendable {
    public let probe: ResolvedProbe
    /// Runs at every entry hit (empty for return probes: their entry records carry no values).
    public let entryProgram: [GuestFetchOp]
    /// Runs at every exit hit (empty for entry probes). For return probes it ends with the hidden
    /// return-address value that the trace line shows as `caller+off <- function`.
    public let exitProgram: [GuestFetchOp]

    /// The program whose records carry the arguments.
    public var argumentProgram: [GuestFetchOp] { probe.isReturn ? exitProgram : entryProgram }

    /// Ops per argument, in order (without the hidden return-address value).
    public var argumentOps: [[GuestFetchOp]] { probe.arguments.map(FetchProgramCompiler.ops(for:)) }
}

/// Turns resolved arguments into fetch ops: each argument's steps, then one store op.
public enum FetchProgramCompiler {
    /// Ops a return probe's exit program spends on the hidden return-address value (load pc, store).
    static let returnAddressOps = 2

    /// Compiles both programs of `probe`.
    ///
    /// - Throws: ``ProbeDefinitionError`` (`.programTooLong`) if they exceed the guest's op limit
    ///   (the resolver already refuses such definitions, pointing at the argument that overflows).
    public static func compile(_ probe: ResolvedProbe) throws -> CompiledProbe {
        var arguments = probe.arguments.flatMap(ops(for:))
        if probe.isReturn {
            arguments += [GuestFetchOp(.loadRegister, immediate: Int64(probe.registers.programCounterOffset)),
                          GuestFetchOp(.store, size: 8)]
        }
        guard arguments.count <= GuestABI.Fetch.maxOps else {
            throw ProbeDefinitionError(.programTooLong,
                                       "the fetch program needs \(arguments.count) ops, more than the guest's \(GuestABI.Fetch.maxOps)",
                                       definition: probe.definition.text, span: probe.definition.probePointSpan)
        }
        return CompiledProbe(probe: probe, entryProgram: probe.isReturn ? [] : arguments, exitProgram: probe.isReturn ? arguments : [])
    }

    /// The ops that fetch and store one argument.
    public static func ops(for argument: ResolvedArgument) -> [GuestFetchOp] {
        argument.steps.map(op(for:)) + [op(for: argument.store)]
    }

    static func op(for step: FetchStep) -> GuestFetchOp {
        switch step {
        case .loadRegister(let offset): return GuestFetchOp(.loadRegister, immediate: Int64(offset))
        case .loadStackSlot(let slot): return GuestFetchOp(.loadStack, immediate: Int64(slot))
        case .immediate(let value): return GuestFetchOp(.immediate, immediate: Int64(bitPattern: value))
        case .dereference(let offset): return GuestFetchOp(.dereference, immediate: offset)
        case .add(let offset): return GuestFetchOp(.add, immediate: offset)
        case .load(let offset, let size, let isSigned):
            return GuestFetchOp(.load, size: UInt8(size), isSigned: isSigned, immediate: offset)
        }
    }

    static func op(for store: FetchStore) -> GuestFetchOp {
        switch store {
        case .value(let size, let isSigned):
            return GuestFetchOp(.store, size: UInt8(size), isSigned: isSigned)
        case .bitfield(let containerSize, let width, let shift, let isSigned):
            return GuestFetchOp(.storeBitfield, size: UInt8(containerSize), isSigned: isSigned, width: UInt8(width), shift: UInt8(shift))
        case .string(let maxLength):
            return GuestFetchOp(.storeString, immediate: Int64(maxLength))
        }
    }
}
