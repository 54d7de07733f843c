import Testing
@testable import Harness

/// The definition language on its own: no guest, no DWARF.
@Suite struct DefinitionParserTests {
    // MARK: The head

    @Test func aKprobeWithGroupEventAndOffset() throws {
        let definition = try ProbeDefinition.parse("p:grp/myprobe do_thing+0x10 x")
        #expect(definition.kind == .kprobe)
        #expect(definition.group == "grp")
        #expect(definition.event == "myprobe")
        #expect(definition.symbol == "do_thing")
        #expect(definition.offset == 16)
        #expect(definition.offsetSpan == DefinitionSpan(start: 22, length: 5))
        #expect(!definition.isReturnProbe)
    }

    @Test func eventWithoutGroupAndTheDotSeparator() throws {
        #expect(try ProbeDefinition.parse("p:ev f").group == nil)
        #expect(try ProbeDefinition.parse("p:ev f").event == "ev")
        let dotted = try ProbeDefinition.parse("r:grp.ev f")
        #expect(dotted.group == "grp" && dotted.event == "ev")
    }

    @Test func returnProbesFromEveryKind() throws {
        #expect(try ProbeDefinition.parse("r f").isReturnProbe)
        #expect(try ProbeDefinition.parse("r f+0").isReturnProbe)
        #expect(try ProbeDefinition.parse("p f%return").isReturnProbe)
        #expect(try ProbeDefinition.parse("f f%return").isReturnProbe)
        #expect(!(try ProbeDefinition.parse("f f x").isReturnProbe))
    }

    @Test func retvalMakesAnFprobeAReturnProbe() throws {
        #expect(try ProbeDefinition.parse("f f $retval").isReturnProbe)
        #expect(try ProbeDefinition.parse("f f r=+8($retval->next):u32").isReturnProbe)
        #expect(!(try ProbeDefinition.parse("p f $retval").isReturnProbe))
    }

    @Test func offsetsInEveryBase() throws {
        #expect(try ProbeDefinition.parse("p f+8").offset == 8)
        #expect(try ProbeDefinition.parse("p f+0x1c").offset == 0x1C)
        #expect(try ProbeDefinition.parse("p f+010").offset == 8)
    }

    @Test func fprobeMayLeaveTheEventEmptyAfterAGroup() throws {
        let definition = try ProbeDefinition.parse("f:mine/ func")
        #expect(definition.group == "mine")
        #expect(definition.event == nil)
    }

    @Test func whitespaceOfAnyKindSeparatesWords() throws {
        let definition = try ProbeDefinition.parse("  f\tfunc \n a  b ")
        #expect(definition.arguments.map(\.name) == ["a", "b"])
    }

    // MARK: Arguments

    @Test func everyKindOfFetchArgument() throws {
        let definition = try ProbeDefinition.parse(
            #"p f %x1 $arg2 $stack3 $stack @0x40001000 @sym+8 @sym-0x10 +16(%x0) -8(+0($stack)) \-3 \0x10 param"#)
        let bases = definition.arguments.map(\.fetch.base)
        #expect(bases[0] == .register("x1"))
        #expect(bases[1] == .argument(2))
        #expect(bases[2] == .stackEntry(3))
        #expect(bases[3] == .stackAddress)
        #expect(bases[4] == .memoryAddress(0x4000_1000))
        #expect(bases[5] == .dataSymbol(name: "sym", offset: 8))
        #expect(bases[6] == .dataSymbol(name: "sym", offset: -16))
        guard case .dereference(16, _, let inner) = bases[7] else {
            Issue.record("+16(%x0) is \(bases[7])")
            return
        }
        #expect(inner.base == .register("x0"))
        guard case .dereference(-8, _, let outer) = bases[8], case .dereference(0, _, let innermost) = outer.base else {
            Issue.record("-8(+0($stack)) is \(bases[8])")
            return
        }
        #expect(innermost.base == .stackAddress)
        #expect(bases[9] == .immediate(-3))
        #expect(bases[10] == .immediate(16))
        #expect(bases[11] == .variable("param"))
    }

    @Test func memberAccessChainsToAnyDepth() throws {
        let argument = try #require(try ProbeDefinition.parse("f f a->b.c->d.e.f->g").arguments.first)
        #expect(argument.fetch.base == .variable("a"))
        #expect(argument.fetch.fields.map(\.op) == [.arrow, .dot, .arrow, .dot, .dot, .arrow])
        #expect(argument.fetch.fields.map(\.name) == ["b", "c", "d", "e", "f", "g"])
        #expect(argument.fetch.fields[2].operatorSpan == DefinitionSpan(start: 10, length: 2))
        #expect(argument.fetch.fields[2].nameSpan == DefinitionSpan(start: 12, length: 1))
    }

    @Test func retvalWithMembers() throws {
        let argument = try #require(try ProbeDefinition.parse("f f%return $retval->name:string").arguments.first)
        #expect(argument.fetch.base == .returnValue)
        #expect(argument.fetch.fields.map(\.name) == ["name"])
        #expect(argument.type == .string)
    }

    @Test func namesGivenAndDefaulted() throws {
        let definition = try ProbeDefinition.parse("p f a n=b c->d %x0 $arg1 e.g c->d")
        #expect(definition.arguments.map(\.name) == ["a", "n", "d", "arg4", "arg5", "g", "arg7"])
        #expect(definition.arguments[1].nameSpan == DefinitionSpan(start: 6, length: 1))
        #expect(definition.arguments[0].nameSpan == nil)
    }

    @Test func types() throws {
        let types = try ProbeDefinition.parse("p f a:u8 b:s16 c:x32 d:u64 e:string f:symbol g:b3@4/32 h:b1@0/8").arguments.map(\.type)
        #expect(types == [.unsigned(bits: 8), .signed(bits: 16), .hex(bits: 32), .unsigned(bits: 64), .string, .symbol,
                          .bitfield(width: 3, offset: 4, containerBits: 32, isSigned: false),
                          .bitfield(width: 1, offset: 0, containerBits: 8, isSigned: false)])
    }

    @Test func spansPointAtTheirTokens() throws {
        let text = "p:g/e func+8 nm=+4(%x1):u32"
        let definition = try ProbeDefinition.parse(text)
        let argument = try #require(definition.arguments.first)
        #expect(definition.symbolSpan == DefinitionSpan(start: 6, length: 4))
        #expect(definition.probePointSpan == DefinitionSpan(start: 6, length: 6))
        #expect(argument.span == DefinitionSpan(start: 13, length: 14))
        #expect(argument.typeSpan == DefinitionSpan(start: 24, length: 3))
        #expect(argument.fetchText == "+4(%x1)")
    }

    // MARK: Syntax errors

    /// `(definition, code, caret start, caret length)`.
    static let syntaxErrors: [(String, ProbeDefinitionError.Code, Int, Int)] = [
        ("", .emptyDefinition, 0, 0),
        ("q f", .badProbeType, 0, 1),
        ("px f", .badProbeType, 1, 1),
        ("p", .noProbeSymbol, 2, 0),
        ("p5 f", .maxActiveOnEntryProbe, 1, 1),
        ("r5 f", .maxActiveNotSupported, 1, 1),
        ("p: f", .noEventName, 2, 0),
        ("p:/e f", .noGroupName, 2, 1),
        ("p:9g/e f", .badGroupName, 2, 2),
        ("p:g/e-v f", .badEventName, 4, 3),
        ("p:g/" + String(repeating: "e", count: 65) + " f", .eventTooLong, 4, 65),
        ("p mod:f", .moduleNotSupported, 2, 4),
        ("p 0x4000 x", .addressNotSupported, 2, 6),
        ("p f+x", .badProbeOffset, 3, 2),
        ("p f-8", .badProbeOffset, 3, 2),
        ("p f%entry", .badAddressSuffix, 3, 6),
        ("r f+8", .offsetOnReturnProbe, 3, 2),
        ("f f+8", .offsetOnFprobe, 3, 2),
        ("p f =x", .noArgumentName, 4, 1),
        ("p f 1a=x", .badArgumentName, 4, 2),
        ("p f common_pid=x", .usedArgumentName, 4, 10),
        ("p f a=x a=y", .usedArgumentName, 8, 1),
        ("p f a=", .noArgumentBody, 6, 0),
        ("p f :u8", .noArgumentBody, 4, 0),
        ("p f $foo", .badVariable, 4, 4),
        ("p f $arg0", .badArgumentNumber, 4, 5),
        ("p f $argx", .badVariable, 4, 5),
        ("p f $stack99999", .badStackNumber, 4, 11),
        ("p f $comm", .commNotSupported, 4, 5),
        ("p f %foo", .badRegister, 4, 4),
        ("f f %x0", .registerOnFprobe, 4, 3),
        ("p f @", .badMemoryAddress, 4, 1),
        ("p f @0xzz", .badMemoryAddress, 4, 5),
        ("p f @sym+q", .badSymbolOffset, 8, 2),
        ("p f +8", .dereferenceNeedsParenthesis, 4, 2),
        ("p f +q(%x0)", .badDereferenceOffset, 4, 2),
        ("p f +8(%x0", .unclosedParenthesis, 6, 1),
        ("p f +u8(%x0)", .userMemoryNotSupported, 4, 2),
        ("p f +8(%x0)x", .trailingCharacters, 11, 1),
        ("p f \\x", .badImmediate, 4, 2),
        ("p f \\\"str\"", .immediateStringNotSupported, 4, 6),
        ("p f a-b", .badHyphen, 5, 1),
        ("p f a->", .emptyFieldName, 5, 2),
        ("p f a.1", .emptyFieldName, 5, 2),
        ("p f ->a", .fieldOnUntypedValue, 4, 2),
        ("p f a:", .badType, 6, 0),
        ("p f a:u12", .badType, 6, 3),
        ("p f a:ustring", .userMemoryNotSupported, 6, 7),
        ("p f a:u8[4]", .typeNotSupported, 6, 5),
        ("p f a:b0@0/8", .badBitfield, 7, 1),
        ("p f a:b3/32", .badBitfield, 6, 5),
        ("p f a:b3@2", .badBitfield, 6, 4),
        ("p f a:b3@2/12", .badBitfield, 11, 2),
        ("p f a:b9@0/8", .badBitfield, 6, 6),
        ("p f ~", .badFetchArgument, 4, 1),
        ("p f $arg*", .badVariable, 4, 5),
    ]

    @Test(arguments: syntaxErrors.indices)
    func aSyntaxErrorNamesItsToken(index: Int) {
        let (text, code, start, length) = Self.syntaxErrors[index]
        do {
            let parsed = try ProbeDefinition.parse(text)
            Issue.record("'\(text)' parsed as \(parsed)")
        } catch let error as ProbeDefinitionError {
            #expect(error.code == code, "'\(text)': \(error)")
            #expect(error.span == DefinitionSpan(start: start, length: length), "'\(text)': \(error)")
            #expect(error.definition == text)
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("'\(text)' threw \(error)")
        }
    }

    @Test func tooManyArgumentsPointsAtTheFirstOneTooMany() throws {
        let arguments = (1...(ProbeDefinition.maximumArguments + 2)).map { "a\($0)=%x1" }
        let text = "p f " + arguments.joined(separator: " ")
        let error = try #require(throws: ProbeDefinitionError.self) { try ProbeDefinition.parse(text) }
        #expect(error.code == .tooManyArguments)
        let offending = "a\(ProbeDefinition.maximumArguments + 1)=%x1"
        #expect(error.span.start == Array(text.unicodeScalars).count - Array((offending + " a\(ProbeDefinition.maximumArguments + 2)=%x1").unicodeScalars).count)
        #expect(error.span.length == offending.count)
        #expect(try ProbeDefinition.parse("p f " + arguments.prefix(ProbeDefinition.maximumArguments).joined(separator: " ")).arguments.count
            == ProbeDefinition.maximumArguments)
    }

    @Test func theCaretLineSitsUnderTheToken() throws {
        let error = try #require(throws: ProbeDefinitionError.self) { try ProbeDefinition.parse("p func a-.b") }
        #expect(error.description == "a single '-': did you mean '->'?\n  p func a-.b\n          ^")
        let long = try #require(throws: ProbeDefinitionError.self) { try ProbeDefinition.parse("p func x:nosuchtype") }
        #expect(long.caretLine == "         ^" + String(repeating: "~", count: "nosuchtype".count - 1))
    }

    @Test func caretsAreColumnsOfScalarsAndControlCharactersArePrinted() throws {
        let error = try #require(throws: ProbeDefinitionError.self) { try ProbeDefinition.parse("p fünc\u{1}") }
        #expect(error.definitionLine == "p fünc?")
        #expect(error.code == .badProbeSymbol)
        #expect(error.caretLine == "   ^~~~")
    }

    // MARK: Robustness

    @Test func noInputStringCrashesTheParser() {
        var generator = SplitMix(seed: 0x5EED)
        let alphabet = Array("pfr:/%$@+-()\\\"._->=[]*0123456789abcxretvalstackargu \t\u{0}é漢🙂".unicodeScalars)
        var parsed = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 40)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            do {
                _ = try ProbeDefinition.parse(String(text))
                parsed += 1
            } catch let error as ProbeDefinitionError {
                #expect(error.span.start <= Array(String(text).unicodeScalars).count + 1)
                _ = error.description
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(parsed > 0)
    }

    /// Every prefix of a valid definition parses or is refused with a ProbeDefinitionError whose
    /// caret stays inside the prefix (or where a missing token would go, one column past it); the prefixes that end between tokens parse to what they say,
    /// and the ones cut inside a token are refused for that token.
    @Test func prefixesOfAValidDefinitionNeverCrash() throws {
        let text = #"f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:x64 l=+8(@pb_typed_object-4):b3@1/8 "#
        let scalars = Array(text.unicodeScalars)
        var outcomes: [String: Result<ProbeDefinition, ProbeDefinitionError>] = [:]
        for end in 0...scalars.count {
            var prefixScalars = String.UnicodeScalarView()
            prefixScalars.append(contentsOf: scalars[0..<end])
            let prefix = String(prefixScalars)
            do {
                outcomes[prefix] = .success(try ProbeDefinition.parse(prefix))
            } catch let error as ProbeDefinitionError {
                outcomes[prefix] = .failure(error)
                #expect(error.definition == prefix, "'\(prefix)': the error quotes another definition")
                // A missing token's caret may sit where it would go: after a space past the text's end.
                #expect(error.span.end <= end + 1, "'\(prefix)': span \(error.span) runs past the text's \(end) scalars")
                #expect(error.caretLine.hasPrefix(String(repeating: " ", count: error.span.start) + "^"),
                        "'\(prefix)': caret line '\(error.caretLine)' not under \(error.span)")
            } catch {
                Issue.record("'\(prefix)' threw \(error), not a ProbeDefinitionError")
            }
        }
        #expect(outcomes.count == scalars.count + 1)

        // Cut between tokens: the head alone, then each argument added.
        func parsed(_ prefix: String) throws -> ProbeDefinition {
            let outcome = try #require(outcomes[prefix], "'\(prefix)' is not a prefix of the definition")
            return try outcome.get()
        }
        let entry = try parsed("f:grp/ev pb_wl_typed")
        #expect(entry.kind == .fprobe && entry.group == "grp" && entry.event == "ev" && entry.symbol == "pb_wl_typed")
        #expect(!entry.isReturnProbe && entry.arguments.isEmpty)
        #expect(try parsed("f:grp/ev pb_wl_typed%return").isReturnProbe)
        #expect(try parsed("f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:x64").arguments.map(\.name) == ["s"])
        let whole = try parsed(text)
        #expect(whole.isReturnProbe && whole.arguments.map(\.name) == ["s", "l"])
        #expect(try parsed(String(text.dropLast())).arguments.count == 2, "the trailing space changes nothing")

        // Cut inside a token: refused for that token.
        let refusals: [(String, ProbeDefinitionError.Code)] = [
            ("", .emptyDefinition),
            ("f:grp/ev pb_wl_typed%", .badAddressSuffix),
            ("f:grp/ev pb_wl_typed%ret", .badAddressSuffix),
            ("f:grp/ev pb_wl_typed%return s=", .noArgumentBody),
            ("f:grp/ev pb_wl_typed%return s=$retval->", .emptyFieldName),
            ("f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:", .badType),
            ("f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:x64 l=+8(@pb_typed_object-4", .unclosedParenthesis),
            ("f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:x64 l=+8(@pb_typed_object-4):b3", .badBitfield),
            ("f:grp/ev pb_wl_typed%return s=$retval->object->inner.value:x64 l=+8(@pb_typed_object-4):b3@1", .badBitfield),
        ]
        for (prefix, code) in refusals {
            let outcome = try #require(outcomes[prefix], "'\(prefix)' is not a prefix of the definition")
            guard case .failure(let error) = outcome else {
                Issue.record("'\(prefix)' parsed; expected \(code)")
                continue
            }
            #expect(error.code == code, "'\(prefix)': \(error.description)")
        }
    }
}

/// A small deterministic generator for the fuzz test.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
