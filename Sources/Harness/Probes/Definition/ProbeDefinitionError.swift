/// A probe definition that cannot be parsed, resolved against the guest's DWARF, compiled into a
/// fetch program or attached: what is wrong, and where (the definition with a caret under the
/// offending token). Nothing is attached when one of these is thrown.
public struct ProbeDefinitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, in the spirit of the kernel's `trace_probe` error log (names in comments).
    public enum Code: String, Sendable, CaseIterable {
        // The probe head: `p[:[GRP/]EVENT] SYM[+OFFS]`, `r…`, `f…SYM[%return]`
        case emptyDefinition            // (no command)
        case badProbeType               // not p, r or f
        case badMaxActive               // BAD_MAXACT
        case maxActiveOnEntryProbe      // BAD_MAXACT_TYPE
        case maxActiveNotSupported
        case noGroupName                // NO_GROUP_NAME
        case groupTooLong               // GROUP_TOO_LONG
        case badGroupName               // BAD_GROUP_NAME
        case noEventName                // NO_EVENT_NAME
        case eventTooLong               // EVENT_TOO_LONG
        case badEventName               // BAD_EVENT_NAME
        case noProbeSymbol              // NO_SYMBOL
        case badProbeSymbol             // BAD_PROBE_ADDR
        case moduleNotSupported         // (the guest has no modules)
        case addressNotSupported        // (probe by address)
        case badProbeOffset             // BAD_PROBE_ADDR
        case badAddressSuffix           // BAD_ADDR_SUFFIX
        case offsetOnReturnProbe        // BAD_RETPROBE
        case offsetOnFprobe
        case unknownFunction            // BAD_PROBE_ADDR (no such symbol)
        case notPatchable               // the guest attaches only at recorded patchable entries
        case offsetInPatchSite
        case misalignedOffset
        case offsetOutsideFunction
        case offsetTooLarge
        case guestRejected              // pb_attach refused (e.g. EOPNOTSUPP for the instruction)
        // Arguments: `[NAME=]FETCHARG[:TYPE]`
        case noArgumentBody             // NO_ARG_BODY
        case noArgumentName             // NO_ARG_NAME
        case argumentNameTooLong        // ARG_NAME_TOO_LONG
        case badArgumentName            // BAD_ARG_NAME
        case usedArgumentName           // USED_ARG_NAME
        case tooManyArguments           // TOO_MANY_ARGS
        case badFetchArgument           // BAD_FETCH_ARG
        case badVariable                // BAD_VAR
        case badRegister                // BAD_REG_NAME
        case registerOnFprobe           // BAD_VAR (fprobes do not handle registers)
        case badArgumentNumber          // BAD_ARG_NUM
        case argumentIndexTooBig        // ARGIDX_2BIG
        case entryOnlyArgument          // NOFENTRY_ARGS
        case retvalOnEntryProbe         // RETVAL_ON_PROBE
        case retvalOfVoidFunction       // NO_RETVAL
        case badStackNumber             // BAD_STACK_NUM
        case badMemoryAddress           // BAD_MEM_ADDR
        case unknownDataSymbol          // (@SYM not found)
        case badSymbolOffset
        case dereferenceNeedsParenthesis // DEREF_NEED_BRACE
        case badDereferenceOffset       // BAD_DEREF_OFFS
        case unclosedParenthesis        // DEREF_OPEN_BRACE
        case trailingCharacters
        case userMemoryNotSupported     // (+u / ustring: the guest has no user space)
        case commNotSupported           // ($comm: the guest has no task names)
        case immediateStringNotSupported
        case badImmediate               // BAD_IMM
        // Typed access through the DWARF (the kernel's BTF arguments)
        case debugInfoUnavailable       // NOSUP_BTFARG
        case noSuchParameter            // NO_BTFARG
        case parameterNotLocatable
        case badHyphen                  // BAD_HYPHEN
        case emptyFieldName
        case fieldOnUntypedValue
        case arrowOnNonPointer          // NO_PTR_STRCT
        case dotOnPointer               // NOSUP_DAT_ARG
        case dotOnNonAggregate
        case noSuchField                // NO_BTF_FIELD
        case needsExplicitType
        // Types: `:u8…:x64`, `:string`, `:symbol`, `:b<width>@<offset>/<container>`
        case badType                    // BAD_TYPE
        case typeNotSupported
        case badBitfield                // BAD_BITFIELD
        case stringOnNonMemory          // BAD_STRING
        case badTypeForString           // BAD_TYPE4STR
        // Limits of the guest's fetch programs and records
        case programTooLong             // TOO_MANY_OPS
        case eventTooBig                // EVENT_TOO_BIG
        // Measuring fetch cost
        case costNeedsFunctionEntry
        case costNeedsArguments
    }

    /// What went wrong.
    public let code: Code
    /// One sentence naming what and why.
    public let message: String
    /// The definition as given.
    public let definition: String
    /// The offending token.
    public let span: DefinitionSpan

    public init(_ code: Code, _ message: String, definition: String, span: DefinitionSpan) {
        self.code = code
        self.message = message
        self.definition = definition
        self.span = span
    }

    /// The definition as printed, for the caret line to line up with.
    public var definitionLine: String { CaretRenderer.render(definition, span: span).line }

    /// `^` under the first scalar of the offending token, `~` under the rest.
    public var caretLine: String { CaretRenderer.render(definition, span: span).caret }

    /// The message, then the definition indented by two spaces with the caret line under it.
    public var description: String {
        let (line, caret) = CaretRenderer.render(definition, span: span)
        return "\(message)\n  \(line)\n  \(caret)"
    }
}
