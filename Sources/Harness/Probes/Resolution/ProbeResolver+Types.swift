import DebugInfo
import GuestKernel

/// The last step of an argument: the `:TYPE` given, or the type its DWARF implies (the kernel's
/// `fetch_type_from_btf_type`), and how the value is loaded and stored for it.
extension ProbeResolver {
    struct FinishedArgument {
        var type: FetchType
        var steps: [FetchStep]
        var store: FetchStore
        var cType: String?
    }

    func finishArgument(_ access: PendingAccess, argument: ProbeArgument, in context: ArgumentContext) throws -> FinishedArgument {
        let program = image.debugInfo
        let cType = access.type.flatMap { type in program?.name(of: type) }
        var steps = access.steps
        let definition = context.definition
        let typeSpan = argument.typeSpan ?? argument.fetch.span

        if let explicit = argument.type {
            switch explicit {
            case .string:
                return try finishString(access, cType: cType, typeSpan: typeSpan, in: context)
            case .bitfield(let width, let offset, let containerBits, _):
                let size = containerBits / 8
                switch access.state {
                case .value: break
                case .memory(let at), .bitfield(let at, _): steps.append(.load(offset: at, size: size, isSigned: false))
                }
                return FinishedArgument(type: explicit, steps: steps,
                                        store: .bitfield(containerSize: size, width: width, shift: offset, isSigned: false), cType: cType)
            case .unsigned, .signed, .hex, .symbol:
                let size = explicit.byteSize ?? 8
                switch access.state {
                case .value:
                    return FinishedArgument(type: explicit, steps: steps, store: .value(size: size, isSigned: explicit.isSigned), cType: cType)
                case .memory(let at):
                    steps.append(.load(offset: at, size: size, isSigned: explicit.isSigned))
                    return FinishedArgument(type: explicit, steps: steps, store: .value(size: size, isSigned: explicit.isSigned), cType: cType)
                case .bitfield(let at, let field):
                    // The member's bits, extracted as the DWARF lays them out, shown as the type asks.
                    let store = try bitfieldStore(field, declaredType: access.type, at: at, steps: &steps, span: argument.fetch.span,
                                                  spelling: access.spelling, in: definition)
                    return FinishedArgument(type: explicit, steps: steps, store: store, cType: cType)
                }
            }
        }

        guard let program, let type = access.type else {
            // Untyped: the kernel's default x64, from the register or from memory.
            if case .memory(let at) = access.state { steps.append(.load(offset: at, size: 8, isSigned: false)) }
            return FinishedArgument(type: .default, steps: steps, store: .value(size: 8, isSigned: false), cType: nil)
        }
        switch access.state {
        case .bitfield(let at, let field):
            let store = try bitfieldStore(field, declaredType: type, at: at, steps: &steps, span: argument.fetch.span,
                                          spelling: access.spelling, in: definition)
            guard case .bitfield(let size, let width, let shift, let isSigned) = store else { preconditionFailure() }
            return FinishedArgument(type: .bitfield(width: width, offset: shift, containerBits: size * 8, isSigned: isSigned),
                                    steps: steps, store: store, cType: cType)
        case .memory(let at):
            let inferred = try inferredType(type, spelling: access.spelling, span: argument.fetch.span, program: program, in: definition)
            let size = inferred.byteSize ?? 8
            steps.append(.load(offset: at, size: size, isSigned: inferred.isSigned))
            return FinishedArgument(type: inferred, steps: steps, store: .value(size: size, isSigned: inferred.isSigned), cType: cType)
        case .value:
            let inferred = try inferredType(type, spelling: access.spelling, span: argument.fetch.span, program: program, in: definition)
            return FinishedArgument(type: inferred, steps: steps, store: .value(size: inferred.byteSize ?? 8, isSigned: inferred.isSigned),
                                    cType: cType)
        }
    }

    /// `:string`: on typed values only `char *` (a dereference is added) and `char[]`; on untyped
    /// ones only memory fetches (`+OFFS(…)`, `@SYM`), whose address is the string's.
    private func finishString(_ access: PendingAccess, cType: String?, typeSpan: DefinitionSpan,
                              in context: ArgumentContext) throws -> FinishedArgument {
        let definition = context.definition
        let maximum = GuestABI.Fetch.maxString
        guard let program = image.debugInfo, let type = access.type else {
            guard case .memory(let at) = access.state else {
                throw error(definition, .stringOnNonMemory,
                            "':string' on '\(access.spelling)' needs a memory fetch: the string's address is +0(\(access.spelling)), or use a typed char * or char[]",
                            typeSpan)
            }
            var steps = access.steps
            if at != 0 { steps.append(.add(at)) }
            return FinishedArgument(type: .string, steps: steps, store: .string(maxLength: maximum), cType: nil)
        }
        let resolved = program.resolvingTypedefs(type)
        switch program.type(resolved).kind {
        case .array(let array) where isCharacter(array.element, in: program):
            guard case .memory(let at) = access.state else {
                throw error(definition, .badTypeForString, "'\(access.spelling)' is not in memory", typeSpan)
            }
            var steps = access.steps
            if at != 0 { steps.append(.add(at)) }
            let length = array.dimensions.count == 1 ? array.count.map { min(max($0, 1), maximum) } ?? maximum : maximum
            return FinishedArgument(type: .string, steps: steps, store: .string(maxLength: length), cType: cType)
        case .pointer(let pointee, _) where isCharacter(pointee, in: program):
            var pointer = access
            pointer.loadPointer()
            return FinishedArgument(type: .string, steps: pointer.steps, store: .string(maxLength: maximum), cType: cType)
        default:
            throw error(definition, .badTypeForString,
                        "':string' needs a char * or char[], but '\(access.spelling)' is '\(cType ?? program.name(of: type))'", typeSpan)
        }
    }

    /// A bitfield member: load its storage unit, then extract it (signed if the declared type is).
    private func bitfieldStore(_ field: BitField, declaredType: TypeID?, at offset: Int64, steps: inout [FetchStep],
                               span: DefinitionSpan, spelling: String, in definition: ProbeDefinition) throws -> FetchStore {
        let size = field.storageByteSize
        guard [1, 2, 4, 8].contains(size), field.bitSize >= 1, field.bitOffset >= 0, field.bitOffset + field.bitSize <= size * 8 else {
            throw error(definition, .needsExplicitType,
                        "the bitfield '\(spelling)' straddles storage units (a packed struct): fetch it with +OFFS(…):b<width>@<offset>/<container>",
                        span)
        }
        steps.append(.load(offset: offset, size: size, isSigned: false))
        let isSigned = declaredType.map { isSignedInteger($0) } ?? false
        return .bitfield(containerSize: size, width: field.bitSize, shift: field.bitOffset, isSigned: isSigned)
    }

    /// The fetch type a C type implies: signed/unsigned integers by size, enums by their underlying
    /// type, pointers as x64. Aggregates, arrays and floating point need an explicit type.
    func inferredType(_ type: TypeID, spelling: String, span: DefinitionSpan, program: DWARFProgram,
                      in definition: ProbeDefinition) throws -> FetchType {
        let resolved = program.resolvingTypedefs(type)
        let typeName = program.name(of: type)
        func integer(bytes: Int?, signed: Bool) throws -> FetchType {
            guard let bytes, FetchType.integerBits.contains(bytes * 8) else {
                throw error(definition, .needsExplicitType,
                            "'\(spelling)' is '\(typeName)' (\(bytes.map { "\($0) bytes" } ?? "no size")): give a type such as :x64", span)
            }
            return signed ? .signed(bits: bytes * 8) : .unsigned(bits: bytes * 8)
        }
        switch program.type(resolved).kind {
        case .base(let base):
            guard base.encoding != .float else {
                throw error(definition, .needsExplicitType, "'\(spelling)' is floating point ('\(typeName)'): give an integer type for its bits, such as :x64", span)
            }
            return try integer(bytes: base.byteSize, signed: base.encoding.isSigned)
        case .enumeration(let enumeration):
            let signed = enumeration.underlyingType.map { isSignedInteger($0) } ?? true
            return try integer(bytes: enumeration.byteSize ?? program.byteSize(of: resolved), signed: signed)
        case .pointer:
            return .hex(bits: 64)
        case .structure, .union:
            throw error(definition, .needsExplicitType,
                        "'\(spelling)' is '\(typeName)', a struct or union: fetch one of its members with '.', or give a type",
                        span)
        case .array:
            throw error(definition, .needsExplicitType,
                        "'\(spelling)' is an array ('\(typeName)'): use :string for a char array, or give a type for its first element", span)
        default:
            throw error(definition, .needsExplicitType, "'\(spelling)' is '\(typeName)', which has no value to fetch: give a type", span)
        }
    }

    /// Whether the type (after typedefs and qualifiers) is a signed integer or enum.
    func isSignedInteger(_ type: TypeID) -> Bool {
        guard let program = image.debugInfo else { return false }
        switch program.type(program.resolvingTypedefs(type)).kind {
        case .base(let base): return base.encoding.isSigned
        case .enumeration(let enumeration): return enumeration.underlyingType.map { isSignedInteger($0) } ?? true
        default: return false
        }
    }

    /// Whether the type is a one-byte integer (`char`, `signed char`, `unsigned char`, `u8`, `s8`).
    func isCharacter(_ type: TypeID, in program: DWARFProgram) -> Bool {
        guard case .base(let base) = program.type(program.resolvingTypedefs(type)).kind else { return false }
        return base.byteSize == 1 && base.encoding != .boolean && base.encoding != .float
    }
}
