import GuestKernel

/// Arguments: `[NAME=]FETCHARG[:TYPE]`, the FETCHARG grammar and the TYPE grammar.
extension DefinitionParser {
    func parseArgument(_ start: Int, _ end: Int, position: Int, kind: ProbeDefinition.Kind,
                       earlier: [ProbeArgument]) throws -> ProbeArgument {
        var bodyStart = start
        var explicitName: (String, DefinitionSpan)?
        if let equals = scanner.firstIndex(of: "=", in: start, end) {
            let name = scanner.string(start, equals)
            guard equals > start else {
                throw scanner.error(.noArgumentName, "'=' without a name before it", start, equals + 1)
            }
            guard name.unicodeScalars.count <= ProbeDefinition.maximumArgumentNameLength else {
                throw scanner.error(.argumentNameTooLong, "argument name longer than \(ProbeDefinition.maximumArgumentNameLength) characters", start, equals)
            }
            guard DefinitionScanner.isGoodName(name) else {
                throw scanner.error(.badArgumentName, "bad argument name '\(name)': use letters, digits and '_', not starting with a digit", start, equals)
            }
            if ProbeDefinition.reservedArgumentNames.contains(name) {
                throw scanner.error(.usedArgumentName, "'\(name)' is a reserved field name of trace events", start, equals)
            }
            if earlier.contains(where: { $0.name == name }) {
                throw scanner.error(.usedArgumentName, "the argument name '\(name)' is already used", start, equals)
            }
            explicitName = (name, DefinitionSpan(start: start, length: equals - start))
            bodyStart = equals + 1
        }
        guard bodyStart < end else {
            throw scanner.error(.noArgumentBody, "nothing to fetch after '='", bodyStart, bodyStart)
        }

        var fetchEnd = end
        var type: FetchType?
        var typeSpan: DefinitionSpan?
        if let colon = scanner.firstIndex(of: ":", in: bodyStart, end) {
            fetchEnd = colon
            type = try parseType(colon + 1, end)
            typeSpan = DefinitionSpan(start: colon + 1, length: end - colon - 1)
        }
        guard bodyStart < fetchEnd else {
            throw scanner.error(.noArgumentBody, "nothing to fetch before ':'", bodyStart, fetchEnd)
        }

        try checkNesting(bodyStart, fetchEnd)
        var cursor = bodyStart
        let expression = try parseExpression(&cursor, fetchEnd, kind: kind)
        if cursor < fetchEnd {
            throw scanner.error(.trailingCharacters, "unexpected '\(scanner.string(cursor, fetchEnd))' after '\(scanner.string(bodyStart, cursor))'",
                                cursor, fetchEnd)
        }
        let fetchText = scanner.string(bodyStart, fetchEnd)
        let name = explicitName?.0 ?? Self.defaultName(for: expression, text: fetchText, position: position, earlier: earlier)
        return ProbeArgument(name: name, nameSpan: explicitName?.1, fetch: expression, type: type, typeSpan: typeSpan,
                             span: DefinitionSpan(start: start, length: end - start), fetchText: fetchText)
    }

    /// The kernel's naming of unnamed arguments: the FETCHARG itself when it is a plain name (a
    /// parameter), the last member name of a field access, otherwise `argN` by position.
    static func defaultName(for expression: FetchExpression, text: String, position: Int, earlier: [ProbeArgument]) -> String {
        var candidates: [String] = []
        if DefinitionScanner.isGoodName(text) { candidates.append(text) }
        if let last = expression.fields.last { candidates.append(last.name) }
        candidates.append("arg\(position)")
        for candidate in candidates where !earlier.contains(where: { $0.name == candidate })
            && !ProbeDefinition.reservedArgumentNames.contains(candidate) {
            return candidate
        }
        return "arg\(position)_\(earlier.count)"
    }

    // MARK: FETCHARG

    /// A base, then `->NAME` / `.NAME` accesses. Stops at the first character it cannot use
    /// (the caller decides whether that is an error: `)` ends an inner expression).
    func parseExpression(_ cursor: inout Int, _ end: Int, kind: ProbeDefinition.Kind) throws -> FetchExpression {
        let start = cursor
        let base = try parseBase(&cursor, end, kind: kind)
        let baseSpan = DefinitionSpan(start: start, length: cursor - start)
        var fields: [FieldAccess] = []
        while cursor < end, let scalar = scanner[cursor], scalar == "-" || scalar == "." {
            let operatorStart = cursor
            let op: FieldAccess.Operator
            if scalar == "-" {
                guard scanner[cursor + 1] == ">", cursor + 1 < end else {
                    throw scanner.error(.badHyphen, "a single '-': did you mean '->'?", cursor, cursor + 1)
                }
                op = .arrow
                cursor += 2
            } else {
                op = .dot
                cursor += 1
            }
            let nameStart = cursor
            cursor = min(scanner.identifierEnd(from: cursor), end)
            guard cursor > nameStart, let first = scanner[nameStart], !DefinitionScanner.isDigit(first) else {
                throw scanner.error(.emptyFieldName, "expected a member name after '\(op.rawValue)'", operatorStart, max(cursor, operatorStart + op.rawValue.count))
            }
            fields.append(FieldAccess(op: op, operatorSpan: DefinitionSpan(start: operatorStart, length: nameStart - operatorStart),
                                      name: scanner.string(nameStart, cursor),
                                      nameSpan: DefinitionSpan(start: nameStart, length: cursor - nameStart)))
        }
        return FetchExpression(base: base, baseSpan: baseSpan, fields: fields, span: DefinitionSpan(start: start, length: cursor - start))
    }

    private func parseBase(_ cursor: inout Int, _ end: Int, kind: ProbeDefinition.Kind) throws -> FetchBase {
        let start = cursor
        guard start < end, let first = scanner[start] else {
            throw scanner.error(.badFetchArgument, "expected something to fetch", start, start)
        }
        switch first {
        case "%":
            cursor = min(scanner.identifierEnd(from: start + 1), end)
            let name = scanner.string(start + 1, cursor)
            if kind == .fprobe {
                throw scanner.error(.registerOnFprobe,
                                    "fprobe events cannot fetch registers: their handler gets an ftrace_regs, not a pt_regs (use $argN, a parameter name, $stackN or $retval)",
                                    start, cursor)
            }
            guard Self.registerNames.contains(name) else {
                throw scanner.error(.badRegister, "unknown register '%\(name)': arm64 has x0–x30, sp, pc and pstate", start, cursor)
            }
            return .register(name)

        case "$":
            cursor = min(scanner.identifierEnd(from: start + 1), end)
            if scanner[cursor] == "*" && cursor < end {
                throw scanner.error(.badVariable, "$arg* (every parameter) is not supported: name the parameters", start, cursor + 1)
            }
            return try parseVariable(scanner.string(start + 1, cursor), start, cursor)

        case "@":
            return try parseMemory(&cursor, end)

        case "+", "-":
            return try parseDereference(&cursor, end, kind: kind)

        case "\\":
            if scanner[start + 1] == "\"" {
                throw scanner.error(.immediateStringNotSupported, "immediate strings (\\\"…\") are not supported", start, end)
            }
            cursor = start + 1
            if cursor < end, scanner[cursor] == "-" || scanner[cursor] == "+" { cursor += 1 }
            cursor = min(scanner.identifierEnd(from: cursor), end)
            guard let value = scanner.signedNumber(start + 1, cursor) else {
                throw scanner.error(.badImmediate, "bad immediate '\(scanner.string(start, cursor))': expected \\N, \\0xN or \\-N", start, cursor)
            }
            return .immediate(value)

        default:
            guard DefinitionScanner.isLetter(first) || first == "_" else {
                throw scanner.error(.badFetchArgument,
                                    "cannot fetch '\(scanner.string(start, end))': expected %REG, $argN, $retval, $stackN, $stack, @ADDR, @SYM, +OFFS(FETCHARG), \\IMM or a parameter name",
                                    start, end)
            }
            cursor = min(scanner.identifierEnd(from: start), end)
            return .variable(scanner.string(start, cursor))
        }
    }

    /// The registers of arm64's `regs_query_register_offset`.
    static let registerNames: Set<String> = Set((0...30).map { "x\($0)" } + ["sp", "pc", "pstate"])

    /// The kernel's `PARAM_MAX_STACK`: THREAD_SIZE (16 KiB) / 8.
    static let maximumStackEntry = 16384 / 8

    private func parseVariable(_ name: String, _ start: Int, _ end: Int) throws -> FetchBase {
        switch name {
        case "retval":
            return .returnValue
        case "stack":
            return .stackAddress
        case "comm", "COMM":
            throw scanner.error(.commNotSupported, "$comm is not supported: the guest kernel has no task names", start, end)
        default:
            break
        }
        if name.hasPrefix("stack") {
            let digits = String(name.dropFirst(5))
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(DefinitionScanner.isDigit) else {
                throw scanner.error(.badVariable, "unknown variable '$\(name)'", start, end)
            }
            guard let index = Int(digits), index <= Self.maximumStackEntry else {
                throw scanner.error(.badStackNumber, "$stackN: N must be at most \(Self.maximumStackEntry) (a 16 KiB stack)", start, end)
            }
            return .stackEntry(index)
        }
        if name.hasPrefix("arg") {
            let digits = String(name.dropFirst(3))
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(DefinitionScanner.isDigit) else {
                throw scanner.error(.badVariable, "unknown variable '$\(name)'", start, end)
            }
            guard let index = Int(digits), index >= 1, index <= Self.maximumStackEntry else {
                throw scanner.error(.badArgumentNumber, "$argN counts from 1: '$\(name)' is out of range", start, end)
            }
            return .argument(index)
        }
        throw scanner.error(.badVariable, "unknown variable '$\(name)': expected $argN, $retval, $stackN or $stack", start, end)
    }

    /// `@ADDR` or `@SYM[+|-OFFS]`.
    private func parseMemory(_ cursor: inout Int, _ end: Int) throws -> FetchBase {
        let start = cursor
        let bodyStart = start + 1
        guard let first = scanner[bodyStart], bodyStart < end else {
            throw scanner.error(.badMemoryAddress, "expected an address or a symbol after '@'", start, bodyStart)
        }
        if first == "+" {
            throw scanner.error(.badMemoryAddress, "file offsets (@+OFFS) are for uprobes, not kernel probes", start, end)
        }
        if DefinitionScanner.isDigit(first) {
            cursor = min(scanner.identifierEnd(from: bodyStart), end)
            guard let address = scanner.unsignedNumber(bodyStart, cursor) else {
                throw scanner.error(.badMemoryAddress, "bad address '\(scanner.string(bodyStart, cursor))'", start, cursor)
            }
            return .memoryAddress(address)
        }
        guard DefinitionScanner.isLetter(first) || first == "_" else {
            throw scanner.error(.badMemoryAddress, "expected an address or a symbol after '@'", start, bodyStart + 1)
        }
        let symbolEnd = min(scanner.identifierEnd(from: bodyStart), end)
        let symbol = scanner.string(bodyStart, symbolEnd)
        cursor = symbolEnd
        var offset: Int64 = 0
        if cursor < end, scanner[cursor] == "+" || scanner[cursor] == "-" {
            let offsetStart = cursor
            var offsetEnd = cursor + 1
            while offsetEnd < end, let scalar = scanner[offsetEnd], DefinitionScanner.isIdentifierCharacter(scalar) { offsetEnd += 1 }
            guard let value = scanner.signedNumber(offsetStart, offsetEnd) else {
                throw scanner.error(.badSymbolOffset, "bad offset '\(scanner.string(offsetStart, offsetEnd))' after @\(symbol)", offsetStart, offsetEnd)
            }
            offset = value
            cursor = offsetEnd
        }
        return .dataSymbol(name: symbol, offset: offset)
    }

    /// Rejects dereferences nested deeper than a fetch program can hold (each takes at least one
    /// load op) before parsing them, whose recursion would otherwise exhaust the stack for a
    /// definition nested thousands deep.
    private func checkNesting(_ start: Int, _ end: Int) throws {
        var depth = 0
        for index in start..<end {
            if scanner[index] == "(" {
                depth += 1
                if depth > GuestABI.Fetch.maxOps {
                    throw scanner.error(.programTooLong, "dereferences nested more than \(GuestABI.Fetch.maxOps) deep: "
                                        + "a fetch program holds \(GuestABI.Fetch.maxOps) ops", index, index + 1)
                }
            } else if scanner[index] == ")" {
                depth -= 1
            }
        }
    }

    /// `+|-OFFS(FETCHARG)`.
    private func parseDereference(_ cursor: inout Int, _ end: Int, kind: ProbeDefinition.Kind) throws -> FetchBase {
        let start = cursor
        if scanner[start + 1] == "u" {
            throw scanner.error(.userMemoryNotSupported, "user-space dereference (+u…) is not supported: the guest has no user space", start, start + 2)
        }
        if scanner[start] == "-", scanner[start + 1] == ">" {
            throw scanner.error(.fieldOnUntypedValue, "'->' needs something to start from: a parameter name or $retval", start, start + 2)
        }
        guard let open = scanner.firstIndex(of: "(", in: start, end) else {
            throw scanner.error(.dereferenceNeedsParenthesis, "a dereference is written +OFFS(FETCHARG): '(' is missing", start, end)
        }
        guard let offset = scanner.signedNumber(start, open) else {
            throw scanner.error(.badDereferenceOffset, "bad dereference offset '\(scanner.string(start, open))'", start, open)
        }
        cursor = open + 1
        let inner = try parseExpression(&cursor, end, kind: kind)
        guard cursor < end, scanner[cursor] == ")" else {
            if cursor < end {
                throw scanner.error(.trailingCharacters, "unexpected '\(scanner.string(cursor, cursor + 1))' inside the dereference: expected ')'",
                                    cursor, cursor + 1)
            }
            throw scanner.error(.unclosedParenthesis, "the '(' of this dereference is never closed", open, open + 1)
        }
        cursor += 1
        return .dereference(offset: offset, offsetSpan: DefinitionSpan(start: start, length: open - start), inner: inner)
    }

    // MARK: TYPE

    func parseType(_ start: Int, _ end: Int) throws -> FetchType {
        let text = scanner.string(start, end)
        guard !text.isEmpty else {
            throw scanner.error(.badType, "missing type after ':'", start, start)
        }
        if text.contains("[") {
            throw scanner.error(.typeNotSupported, "array types (TYPE[N]) are not supported", start, end)
        }
        switch text {
        case "string": return .string
        case "symbol": return .symbol
        case "ustring":
            throw scanner.error(.userMemoryNotSupported, "ustring reads user memory, but the guest has no user space: use string", start, end)
        case "symstr", "char":
            throw scanner.error(.typeNotSupported, "type '\(text)' is not supported: use u8…u64, s8…s64, x8…x64, string, symbol or b<width>@<offset>/<container>", start, end)
        default:
            break
        }
        let scalars = Array(text.unicodeScalars)
        if scalars.first == "b" {
            return try parseBitfield(start, end)
        }
        if let letter = scalars.first, letter == "u" || letter == "s" || letter == "x",
           let bits = Int(String(text.dropFirst())), FetchType.integerBits.contains(bits) {
            switch letter {
            case "u": return .unsigned(bits: bits)
            case "s": return .signed(bits: bits)
            default: return .hex(bits: bits)
            }
        }
        throw scanner.error(.badType, "unknown type '\(text)': expected u8…u64, s8…s64, x8…x64, string, symbol or b<width>@<offset>/<container>",
                            start, end)
    }

    /// `b<width>@<offset>/<container>`: width ≥ 1, container 8/16/32/64, width + offset ≤ container.
    private func parseBitfield(_ start: Int, _ end: Int) throws -> FetchType {
        let syntax = "a bitfield is b<width>@<offset>/<container>, e.g. b3@4/32"
        guard let at = scanner.firstIndex(of: "@", in: start, end) else {
            throw scanner.error(.badBitfield, "missing '@<offset>': \(syntax)", start, end)
        }
        guard let slash = scanner.firstIndex(of: "/", in: at, end) else {
            throw scanner.error(.badBitfield, "missing '/<container>': \(syntax)", start, end)
        }
        guard let width = scanner.unsignedNumber(start + 1, at).flatMap({ Int(exactly: $0) }), width > 0 else {
            throw scanner.error(.badBitfield, "bad bitfield width '\(scanner.string(start + 1, at))': \(syntax)", start + 1, at)
        }
        guard let offset = scanner.unsignedNumber(at + 1, slash).flatMap({ Int(exactly: $0) }) else {
            throw scanner.error(.badBitfield, "bad bitfield offset '\(scanner.string(at + 1, slash))': \(syntax)", at + 1, slash)
        }
        guard let container = scanner.unsignedNumber(slash + 1, end).flatMap({ Int(exactly: $0) }),
              FetchType.integerBits.contains(container) else {
            throw scanner.error(.badBitfield, "bad bitfield container '\(scanner.string(slash + 1, end))': it must be 8, 16, 32 or 64 bits",
                                slash + 1, end)
        }
        guard width <= container, offset <= container - width else {
            throw scanner.error(.badBitfield, "a \(width)-bit field at bit \(offset) does not fit in a \(container)-bit container", start, end)
        }
        return .bitfield(width: width, offset: offset, containerBits: container, isSigned: false)
    }
}
