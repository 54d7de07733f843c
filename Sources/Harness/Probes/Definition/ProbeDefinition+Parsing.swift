import GuestKernel

extension ProbeDefinition {
    /// At most this many arguments: a fetch program holds `GuestABI.Fetch.maxOps` ops and every
    /// argument needs at least two (a load and a store). The kernel's own limit is 128.
    public static var maximumArguments: Int { GuestABI.Fetch.maxOps / 2 }
    /// The kernel's `MAX_EVENT_NAME_LEN`, for group and event names.
    public static let maximumEventNameLength = 64
    /// The kernel's `MAX_ARG_NAME_LEN`.
    public static let maximumArgumentNameLength = 32
    /// Field names the trace format reserves (the kernel's `reserved_field_names`).
    public static let reservedArgumentNames: Set<String> = [
        "common_type", "common_flags", "common_preempt_count", "common_pid", "common_tgid",
        "__probe_ip", "__probe_ret_ip", "__probe_func",
    ]

    /// Parses a definition. Purely syntactic: symbols, parameter names and members are checked
    /// later against the guest (``ProbeResolver``).
    ///
    /// - Throws: ``ProbeDefinitionError`` naming the problem, with the offending token's span.
    public static func parse(_ text: String) throws -> ProbeDefinition {
        try DefinitionParser(text).parse()
    }
}

/// The parser behind ``ProbeDefinition/parse(_:)``: the head (`p:grp/event SYM+OFFS`) here, the
/// arguments in `DefinitionParser+Arguments.swift`.
struct DefinitionParser {
    let scanner: DefinitionScanner

    init(_ text: String) {
        scanner = DefinitionScanner(text)
    }

    func parse() throws -> ProbeDefinition {
        let words = scanner.words()
        guard let head = words.first else {
            throw scanner.error(.emptyDefinition, "empty definition: expected p, r or f followed by a function", 0, 0)
        }
        let command = try parseCommand(head.start, head.end)
        guard words.count >= 2 else {
            throw scanner.error(.noProbeSymbol, "missing the function to probe after '\(scanner.string(head.start, head.end))'",
                                head.end + 1, head.end + 1)
        }
        let point = try parseProbePoint(words[1].start, words[1].end, kind: command.kind)

        let argumentWords = Array(words.dropFirst(2))
        if argumentWords.count > ProbeDefinition.maximumArguments {
            let extra = argumentWords[ProbeDefinition.maximumArguments]
            throw scanner.error(
                .tooManyArguments,
                "too many arguments (\(argumentWords.count)): at most \(ProbeDefinition.maximumArguments), since a fetch program holds \(GuestABI.Fetch.maxOps) ops and each argument needs at least a load and a store",
                extra.start, extra.end)
        }
        var arguments: [ProbeArgument] = []
        for (index, word) in argumentWords.enumerated() {
            arguments.append(try parseArgument(word.start, word.end, position: index + 1, kind: command.kind, earlier: arguments))
        }

        let definition = ProbeDefinition(
            text: scanner.text, kind: command.kind, maxActive: command.maxActive, maxActiveSpan: command.maxActiveSpan,
            group: command.group, groupSpan: command.groupSpan, event: command.event, eventSpan: command.eventSpan,
            symbol: point.symbol, symbolSpan: point.symbolSpan, offset: point.offset, offsetSpan: point.offsetSpan,
            hasReturnSuffix: point.returnSuffixSpan != nil, returnSuffixSpan: point.returnSuffixSpan,
            probePointSpan: DefinitionSpan(start: words[1].start, length: words[1].end - words[1].start),
            arguments: arguments)
        try checkHeadAgainstArguments(definition)
        return definition
    }

    // MARK: The command word: p, r[MAXACTIVE], f[MAXACTIVE], then :[GRP/]EVENT

    struct Command {
        var kind: ProbeDefinition.Kind
        var maxActive: Int?
        var maxActiveSpan: DefinitionSpan?
        var group: String?
        var groupSpan: DefinitionSpan?
        var event: String?
        var eventSpan: DefinitionSpan?
    }

    private func parseCommand(_ start: Int, _ end: Int) throws -> Command {
        guard let letter = scanner[start], let kind = ProbeDefinition.Kind(rawValue: String(letter)) else {
            throw scanner.error(.badProbeType, "unknown probe type '\(scanner.string(start, start + 1))': expected p (kprobe), r (kretprobe) or f (fprobe)",
                                start, start + 1)
        }
        var command = Command(kind: kind)
        var index = start + 1
        let digitsStart = index
        while let scalar = scanner[index], index < end, DefinitionScanner.isDigit(scalar) { index += 1 }
        if index > digitsStart {
            let span = DefinitionSpan(start: digitsStart, length: index - digitsStart)
            guard kind != .kprobe else {
                throw scanner.error(.maxActiveOnEntryProbe, "MAXACTIVE is only for return probes (r, or f with %return)", digitsStart, index)
            }
            guard let value = scanner.unsignedNumber(digitsStart, index).flatMap({ Int(exactly: $0) }), value > 0 else {
                throw scanner.error(.badMaxActive, "MAXACTIVE must be a positive number", digitsStart, index)
            }
            command.maxActive = value
            command.maxActiveSpan = span
        }
        guard index < end else { return command }
        guard scanner[index] == ":" else {
            throw scanner.error(.badProbeType, "unexpected '\(scanner.string(index, index + 1))' after '\(kind.rawValue)': expected ':' and an event name, or a space",
                                index, index + 1)
        }
        try parseEventName(index + 1, end, into: &command)
        return command
    }

    /// `[GRP/]EVENT` (the kernel also accepts `GRP.EVENT`); fprobes may leave EVENT empty after `GRP/`.
    private func parseEventName(_ start: Int, _ end: Int, into command: inout Command) throws {
        var eventStart = start
        if let separator = scanner.firstIndex(of: "/", in: start, end) ?? scanner.firstIndex(of: ".", in: start, end) {
            guard separator > start else {
                throw scanner.error(.noGroupName, "the group name before '\(scanner.string(separator, separator + 1))' is empty", start, separator + 1)
            }
            command.group = try checkedName("group", start, separator, tooLong: .groupTooLong, bad: .badGroupName)
            command.groupSpan = DefinitionSpan(start: start, length: separator - start)
            eventStart = separator + 1
        }
        guard eventStart < end else {
            if command.kind == .fprobe && command.group != nil { return }
            throw scanner.error(.noEventName, "the event name after ':' is empty", eventStart, eventStart)
        }
        command.event = try checkedName("event", eventStart, end, tooLong: .eventTooLong, bad: .badEventName)
        command.eventSpan = DefinitionSpan(start: eventStart, length: end - eventStart)
    }

    /// The group or event name (`what`) in `start ..< end`, checked as the kernel checks both: at
    /// most `ProbeDefinition.maximumEventNameLength` characters, letters, digits and '_'.
    private func checkedName(_ what: String, _ start: Int, _ end: Int, tooLong: ProbeDefinitionError.Code,
                             bad: ProbeDefinitionError.Code) throws -> String {
        let name = scanner.string(start, end)
        guard name.unicodeScalars.count <= ProbeDefinition.maximumEventNameLength else {
            throw scanner.error(tooLong, "the \(what) name is longer than \(ProbeDefinition.maximumEventNameLength) characters", start, end)
        }
        guard DefinitionScanner.isGoodName(name) else {
            throw scanner.error(bad, "bad \(what) name '\(name)': use letters, digits and '_', not starting with a digit", start, end)
        }
        return name
    }

    // MARK: The probe point: SYM[+|-OFFS][%return]

    struct ProbePoint {
        var symbol: String
        var symbolSpan: DefinitionSpan
        var offset: Int64 = 0
        var offsetSpan: DefinitionSpan?
        var returnSuffixSpan: DefinitionSpan?
    }

    private func parseProbePoint(_ start: Int, _ end: Int, kind: ProbeDefinition.Kind) throws -> ProbePoint {
        guard let first = scanner[start] else {
            throw scanner.error(.noProbeSymbol, "missing the function to probe", start, start)
        }
        if DefinitionScanner.isDigit(first) {
            throw scanner.error(.addressNotSupported, "probing a raw address is not supported: name the function (SYM or SYM+OFFS)",
                                start, end)
        }
        let symbolEnd = scanner.identifierEnd(from: start, allowingDots: true)
        if scanner[symbolEnd] == ":" && symbolEnd < end {
            throw scanner.error(.moduleNotSupported, "MOD:SYM names a module symbol, but the guest kernel has no modules", start, symbolEnd + 1)
        }
        guard symbolEnd > start, DefinitionScanner.isLetter(first) || first == "_" || first == "." else {
            throw scanner.error(.badProbeSymbol, "expected a function name, found '\(scanner.string(start, start + 1))'", start, start + 1)
        }
        var point = ProbePoint(symbol: scanner.string(start, symbolEnd),
                               symbolSpan: DefinitionSpan(start: start, length: symbolEnd - start))
        var index = symbolEnd
        if index < end, scanner[index] == "+" || scanner[index] == "-" {
            let offsetStart = index
            let offsetEnd = scanner.firstIndex(of: "%", in: index, end) ?? end
            guard kind != .fprobe else {
                throw scanner.error(.offsetOnFprobe, "fprobes attach at a function's entry or return only: remove '\(scanner.string(offsetStart, offsetEnd))'",
                                    offsetStart, offsetEnd)
            }
            guard let offset = scanner.signedNumber(offsetStart, offsetEnd) else {
                throw scanner.error(.badProbeOffset, "bad offset '\(scanner.string(offsetStart, offsetEnd))': expected +N, +0xN or +0N after the symbol",
                                    offsetStart, offsetEnd)
            }
            guard offset >= 0 else {
                throw scanner.error(.badProbeOffset, "a probe offset cannot be negative (\(offset))", offsetStart, offsetEnd)
            }
            point.offset = offset
            point.offsetSpan = DefinitionSpan(start: offsetStart, length: offsetEnd - offsetStart)
            index = offsetEnd
        }
        if index < end, scanner[index] == "%" {
            guard scanner.string(index, end) == "%return" else {
                throw scanner.error(.badAddressSuffix, "unknown suffix '\(scanner.string(index, end))': only %return is accepted", index, end)
            }
            point.returnSuffixSpan = DefinitionSpan(start: index, length: end - index)
            index = end
        }
        guard index >= end else {
            throw scanner.error(.badProbeSymbol, "unexpected '\(scanner.string(index, end))' after the function name", index, end)
        }
        return point
    }

    /// Rules that need the head and the arguments together.
    private func checkHeadAgainstArguments(_ definition: ProbeDefinition) throws {
        if definition.isReturnProbe, definition.offset != 0, let span = definition.offsetSpan {
            throw scanner.error(.offsetOnReturnProbe, "a return probe attaches at the function's entry: the offset must be 0", span.start, span.end)
        }
        if let span = definition.maxActiveSpan {
            if definition.kind == .fprobe && !definition.isReturnProbe {
                throw scanner.error(.maxActiveOnEntryProbe, "MAXACTIVE is only for return probes (f with %return or $retval)", span.start, span.end)
            }
            throw scanner.error(.maxActiveNotSupported,
                                "MAXACTIVE is not supported: the guest's return hooks have a fixed number of instances (kretprobes \(GuestABI.kretprobeMaxActive), the shadow return stack \(GuestABI.returnStackDepth) entries)",
                                span.start, span.end)
        }
    }
}
