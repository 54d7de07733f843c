import DebugInfo
import GuestKernel

/// What every argument of one probe is resolved against.
struct ArgumentContext {
    let definition: ProbeDefinition
    let function: ResolvedProbe.Function
    /// The function's DWARF, when the image has DWARF for it.
    let debugFunction: DWARFFunction?
    let registers: RegisterSetKind
    let isReturn: Bool
    /// An entry event up to the first body instruction: the parameters are still where the caller put them.
    let atFunctionEntry: Bool
}

/// A fetch under construction: the steps so far, what `val` then stands for, and its C type.
struct PendingAccess {
    /// What `val` holds after `steps`.
    enum State: Equatable {
        /// The value itself.
        case value
        /// The address of an object: the value lives at `val + offset`, not loaded yet.
        case memory(offset: Int64)
        /// A bitfield member whose storage unit lives at `val + offset`.
        case bitfield(offset: Int64, BitField)
    }

    var steps: [FetchStep]
    var state: State
    /// The DWARF type of the value (or of the object in memory); nil for untyped fetches.
    var type: TypeID?
    /// The text so far, for messages: `obj->inner`.
    var spelling: String

    /// Loads a pointer-sized value that still lives in memory, so `val` holds it.
    mutating func loadPointer() {
        if case .memory(let offset) = state {
            steps.append(.dereference(offset: offset))
            state = .value
        }
    }
}

extension ProbeResolver {
    /// Resolves one argument: its base, its member accesses, then its type and how it is stored.
    func resolveArgument(_ argument: ProbeArgument, in context: ArgumentContext) throws -> ResolvedArgument {
        let access = try resolveExpression(argument.fetch, in: context)
        let finished = try finishArgument(access, argument: argument, in: context)
        return ResolvedArgument(name: argument.name, type: finished.type, cType: finished.cType, steps: finished.steps,
                                store: finished.store, source: argument.fetchText, span: argument.span)
    }

    // MARK: Bases and member accesses

    private func resolveExpression(_ expression: FetchExpression, in context: ArgumentContext) throws -> PendingAccess {
        var access = try resolveBase(expression, in: context)
        for field in expression.fields {
            access = try applyField(field, to: access, in: context)
        }
        return access
    }

    private func resolveBase(_ expression: FetchExpression, in context: ArgumentContext) throws -> PendingAccess {
        let definition = context.definition
        let span = expression.baseSpan
        let spelling = expression.base.spelling
        switch expression.base {
        case .register(let name):
            guard let offset = registerOffset(name, in: context.registers) else {
                throw error(definition, .badRegister, "%\(name) is not in the \(context.registers.rawValue) this probe gets", span)
            }
            return PendingAccess(steps: [.loadRegister(offset: offset)], state: .value, type: nil, spelling: spelling)

        case .argument(let number):
            try requireFunctionEntry(context, spelling, span)
            return try parameterAccess(index: number - 1, spelling: spelling, span: span, in: context)

        case .variable(let name):
            try requireFunctionEntry(context, name, span)
            let debugFunction = try typedFunction(context, wanting: "the parameter name '\(name)'", span)
            guard let index = debugFunction.parameters.firstIndex(where: { $0.name == name }) else {
                let names = debugFunction.parameters.compactMap(\.name)
                throw error(definition, .noSuchParameter,
                            "\(context.function.name) has no parameter '\(name)'" + (names.isEmpty ? " (it takes none)" : " (its parameters: \(names.joined(separator: ", ")))"),
                            span)
            }
            return try parameterAccess(index: index, spelling: name, span: span, in: context)

        case .returnValue:
            guard context.isReturn else {
                throw error(definition, .retvalOnEntryProbe,
                            "$retval is only for return probes: use r, p …%return or f (where $retval makes the probe a return probe)",
                            span)
            }
            var type: TypeID?
            if let debugFunction = context.debugFunction {
                guard debugFunction.returnType != .void else {
                    throw error(definition, .retvalOfVoidFunction, "\(context.function.name) returns void: there is no $retval to fetch", span)
                }
                type = debugFunction.returnType
            }
            return PendingAccess(steps: [.loadRegister(offset: 0)], state: .value, type: type, spelling: spelling)

        case .stackEntry(let slot):
            return PendingAccess(steps: [.loadStackSlot(slot)], state: .value, type: nil, spelling: spelling)

        case .stackAddress:
            return PendingAccess(steps: [.loadRegister(offset: context.registers.stackPointerOffset)], state: .value,
                                 type: nil, spelling: spelling)

        case .memoryAddress(let address):
            return PendingAccess(steps: [.immediate(address)], state: .memory(offset: 0), type: nil, spelling: spelling)

        case .dataSymbol(let name, let offset):
            guard let symbol = image.symbols.symbol(named: name) else {
                throw error(definition, .unknownDataSymbol, "no symbol named '\(name)' in the guest", span)
            }
            return PendingAccess(steps: [.immediate(symbol.address)], state: .memory(offset: offset), type: nil, spelling: spelling)

        case .dereference(let offset, _, let inner):
            var base = try resolveExpression(inner, in: context)
            if case .bitfield = base.state {
                throw error(definition, .fieldOnUntypedValue, "a bitfield is not an address: it cannot be dereferenced", inner.span)
            }
            base.loadPointer()
            return PendingAccess(steps: base.steps, state: .memory(offset: offset), type: nil, spelling: spelling)

        case .immediate(let value):
            return PendingAccess(steps: [.immediate(UInt64(bitPattern: value))], state: .value, type: nil, spelling: spelling)
        }
    }

    /// The registers arm64's `regs_query_register_offset` names, at their offsets in `registers`.
    private func registerOffset(_ name: String, in registers: RegisterSetKind) -> UInt64? {
        switch name {
        case "sp": return registers.stackPointerOffset
        case "pc": return registers.programCounterOffset
        case "pstate": return registers.processorStateOffset
        default:
            guard name.hasPrefix("x"), let index = Int(name.dropFirst()) else { return nil }
            return registers.generalRegisterOffset(index)
        }
    }

    private func requireFunctionEntry(_ context: ArgumentContext, _ what: String, _ span: DefinitionSpan) throws {
        guard context.atFunctionEntry else {
            let why = context.isReturn
                ? "a return probe fires after the function has run and its argument registers are gone"
                : "this probe is not at the function's entry (+\(context.definition.offset)), so the registers may no longer hold the arguments"
            throw error(context.definition, .entryOnlyArgument, "'\(what)' is only available at the function's entry: \(why)", span)
        }
    }

    /// The function's DWARF, or an error saying that `wanting` needs it.
    private func typedFunction(_ context: ArgumentContext, wanting: String, _ span: DefinitionSpan) throws -> DWARFFunction {
        if let debugFunction = context.debugFunction { return debugFunction }
        if let problem = image.debugInfoProblem {
            throw error(context.definition, .debugInfoUnavailable, "\(wanting) needs the guest's DWARF, which is unavailable: \(problem)", span)
        }
        throw error(context.definition, .debugInfoUnavailable, "\(wanting) needs debug info, but the guest's DWARF does not describe \(context.function.name)", span)
    }

    /// Parameter `index` (0-based) where the AAPCS64 puts it at entry, typed from the DWARF.
    /// Without DWARF only x0–x7 can be located (untyped), as the kernel's `$argN` does.
    private func parameterAccess(index: Int, spelling: String, span: DefinitionSpan,
                                 in context: ArgumentContext) throws -> PendingAccess {
        guard let debugFunction = context.debugFunction, let program = image.debugInfo else {
            guard index < 8 else {
                throw error(context.definition, .parameterNotLocatable,
                            "without the function's debug info only $arg1…$arg8 (x0–x7) can be located", span)
            }
            return PendingAccess(steps: [.loadRegister(offset: UInt64(index) * 8)], state: .value, type: nil, spelling: spelling)
        }
        let parameters = debugFunction.parameters
        guard index < parameters.count else {
            throw error(context.definition, .argumentIndexTooBig,
                        "\(spelling) is too big: \(context.function.name) takes \(parameters.count) parameter\(parameters.count == 1 ? "" : "s")",
                        span)
        }
        let parameter = parameters[index]
        let locations = ParameterLocation.locate(parameters.map(\.type), in: program)
        let type: TypeID? = parameter.type
        switch locations[index] {
        case .register(let register):
            return PendingAccess(steps: [.loadRegister(offset: UInt64(register) * 8)], state: .value, type: type, spelling: spelling)
        case .stackSlot(let slot):
            return PendingAccess(steps: [.loadStackSlot(slot)], state: .value, type: type, spelling: spelling)
        case .referenceInRegister(let register):
            return PendingAccess(steps: [.loadRegister(offset: UInt64(register) * 8)], state: .memory(offset: 0), type: type,
                                 spelling: spelling)
        case .referenceInStackSlot(let slot):
            return PendingAccess(steps: [.loadStackSlot(slot)], state: .memory(offset: 0), type: type, spelling: spelling)
        case .unreachable(let reason):
            throw error(context.definition, .parameterNotLocatable,
                        "\(spelling) ('\(program.name(of: parameter.type))') cannot be fetched: \(reason)", span)
        }
    }

    // MARK: -> and .

    private func applyField(_ field: FieldAccess, to access: PendingAccess, in context: ArgumentContext) throws -> PendingAccess {
        let definition = context.definition
        let accessSpan = field.operatorSpan.through(field.nameSpan)
        guard let program = image.debugInfo, let type = access.type else {
            if image.debugInfo == nil, let problem = image.debugInfoProblem {
                throw error(definition, .debugInfoUnavailable, "member access needs the guest's DWARF, which is unavailable: \(problem)", accessSpan)
            }
            throw error(definition, .fieldOnUntypedValue,
                        "'\(access.spelling)' has no type to look '\(field.name)' up in: member access works on parameter names and $retval",
                        field.operatorSpan)
        }
        if case .bitfield = access.state {
            throw error(definition, field.op == .arrow ? .arrowOnNonPointer : .dotOnNonAggregate,
                        "'\(access.spelling)' is a bitfield, not a struct or union", field.operatorSpan)
        }
        let typeName = program.name(of: type)
        let resolved = program.resolvingTypedefs(type)
        var next = access
        let aggregate: TypeID
        switch field.op {
        case .arrow:
            guard case .pointer(let pointee, _) = program.type(resolved).kind, isAggregate(program.resolvingTypedefs(pointee), in: program) else {
                let hint = isAggregate(resolved, in: program) ? ": it is a struct or union itself, use '.'" : ""
                throw error(definition, .arrowOnNonPointer,
                            "'->' needs a pointer to a struct or union, but '\(access.spelling)' is '\(typeName)'\(hint)", field.operatorSpan)
            }
            next.loadPointer()
            next.state = .memory(offset: 0)
            aggregate = pointee
        case .dot:
            if case .pointer(let pointee, _) = program.type(resolved).kind, isAggregate(program.resolvingTypedefs(pointee), in: program) {
                throw error(definition, .dotOnPointer,
                            "'.' needs a struct or union, but '\(access.spelling)' is a pointer ('\(typeName)'): use '->'", field.operatorSpan)
            }
            guard isAggregate(resolved, in: program) else {
                throw error(definition, .dotOnNonAggregate, "'.' needs a struct or union, but '\(access.spelling)' is '\(typeName)'",
                            field.operatorSpan)
            }
            guard case .memory = access.state else {
                throw error(definition, .dotOnNonAggregate,
                            "'\(access.spelling)' is a struct held in registers, not in memory: its members cannot be fetched",
                            field.operatorSpan)
            }
            aggregate = resolved
        }
        let location: MemberLocation
        do {
            location = try program.member(named: field.name, in: aggregate)
        } catch {
            throw self.error(definition, .noSuchField,
                             "'\(program.name(of: aggregate))' has no member '\(field.name)' (anonymous structs and unions searched too)",
                             field.nameSpan)
        }
        guard case .memory(let base) = next.state else { preconditionFailure("a member access starts from memory") }
        let offset = base + Int64(location.byteOffset)
        next.state = location.bitField.map { .bitfield(offset: offset, $0) } ?? .memory(offset: offset)
        next.type = location.type
        next.spelling = access.spelling + field.op.rawValue + field.name
        return next
    }

    func isAggregate(_ type: TypeID, in program: DWARFProgram) -> Bool {
        switch program.type(program.resolvingTypedefs(type)).kind {
        case .structure, .union: return true
        default: return false
        }
    }
}
