import Emulator
import Foundation
import GuestKernel
import Testing
@testable import Harness

/// Bad definitions against the booted guest: each is refused with its own error, a message and a
/// caret under the offending token, and leaves nothing attached and the text untouched.
@Suite(.enabled(if: ProbeTestGuest.hasDebugInfo, Comment(rawValue: ProbeTestGuest.skipReason)))
struct BadDefinitionCorpusTests {
    struct Case: CustomStringConvertible, Sendable {
        let marked: String
        let code: ProbeDefinitionError.Code
        /// A fragment the message must contain.
        let says: String

        init(_ marked: String, _ code: ProbeDefinitionError.Code, _ says: String) {
            self.marked = marked
            self.code = code
            self.says = says
        }

        var description: String { marked }
    }

    static let manyStrings = (1...8).map { "s\($0)=tag:string" }
    static let manyChains = (1...17).map { "n\($0)=obj->next->inner.value" }
    static let tooMany = (1...(ProbeDefinition.maximumArguments + 1)).map { "a\($0)=%x1" }

    static let corpus: [Case] = [
        // Syntax
        Case("p:grp/⟦bad-event⟧ pb_wl_typed", .badEventName, "bad event name"),
        Case("p pb_wl_typed obj⟦-⟧.id", .badHyphen, "'->'"),
        Case("p pb_wl_typed +8⟦(⟧obj", .unclosedParenthesis, "never closed"),
        Case("⟦x⟧ pb_wl_typed", .badProbeType, "unknown probe type"),
        Case("p pb_wl_typed x:⟦u7⟧", .badType, "unknown type 'u7'"),
        Case("p pb_wl_typed %x1:b3@⟦z⟧/32", .badBitfield, "bitfield offset"),
        Case("p pb_wl_typed %x1:⟦b3@30/32⟧", .badBitfield, "does not fit"),
        Case("p pb_wl_typed ⟦%w0⟧", .badRegister, "unknown register"),
        Case("f pb_wl_typed ⟦%x0⟧", .registerOnFprobe, "ftrace_regs"),
        Case("r⟦4⟧ pb_wl_typed", .maxActiveNotSupported, "MAXACTIVE"),
        Case("p pb_wl_typed " + tooMany.dropLast().joined(separator: " ") + " ⟦" + tooMany.last! + "⟧", .tooManyArguments,
             "too many arguments"),
        // The probe point
        Case("p ⟦pb_wl_typo⟧ obj", .unknownFunction, "did you mean pb_wl_typed"),
        Case("p ⟦pb_wl_mix⟧", .notPatchable, "no patchable entry"),
        Case("p pb_wl_typed⟦+4⟧", .offsetInPatchSite, "ftrace call site"),
        Case("p pb_wl_typed⟦+6⟧", .misalignedOffset, "instruction boundary"),
        Case("p pb_wl_typed⟦+0x12⟧", .misalignedOffset, "instruction boundary"),
        Case("p pb_wl_typed⟦+0x2000⟧", .offsetOutsideFunction, "outside pb_wl_typed"),
        Case("p pb_wl_typed⟦+8⟧%return", .offsetOnReturnProbe, "offset must be 0"),
        // Names, fields and types against the DWARF
        Case("f pb_wl_typed ⟦object⟧->id", .noSuchParameter, "its parameters: obj, count, delta, mode, tag"),
        Case("f pb_wl_typed obj->inner.⟦nosuch⟧", .noSuchField, "'struct pb_typed_inner' has no member 'nosuch'"),
        Case("f pb_wl_typed obj->⟦nmae⟧", .noSuchField, "'struct pb_typed_object' has no member 'nmae'"),
        Case("p pb_wl_typed obj⟦.⟧id", .dotOnPointer, "use '->'"),
        Case("f pb_wl_typed obj->inner⟦->⟧tag", .arrowOnNonPointer, "use '.'"),
        Case("f pb_wl_typed count⟦->⟧x", .arrowOnNonPointer, "'count' is 'long'"),
        Case("f pb_wl_typed obj->state⟦.⟧x", .dotOnNonAggregate, "bitfield"),
        Case("p pb_wl_typed %x0⟦->⟧id", .fieldOnUntypedValue, "no type"),
        Case("p pb_wl_typed delta:⟦string⟧", .badTypeForString, "needs a char * or char[]"),
        Case("p pb_wl_typed obj->kind:⟦string⟧", .badTypeForString, "'obj->kind' is 'u32'"),
        Case("p pb_wl_typed %x1:⟦string⟧", .stringOnNonMemory, "memory fetch"),
        Case("f pb_wl_typed ⟦obj->inner⟧", .needsExplicitType, "a struct or union"),
        Case("f pb_wl_typed_clear ⟦$retval⟧", .retvalOfVoidFunction, "returns void"),
        Case("p pb_wl_typed ⟦$retval⟧", .retvalOnEntryProbe, "only for return probes"),
        Case("f pb_wl_typed ⟦$arg6⟧", .argumentIndexTooBig, "takes 5 parameters"),
        Case("r pb_wl_typed ⟦obj⟧->id", .entryOnlyArgument, "return probe"),
        Case("f pb_wl_typed $retval ⟦$arg1⟧", .entryOnlyArgument, "return probe"),
        Case("p pb_wl_typed+12 ⟦count⟧", .entryOnlyArgument, "not at the function's entry"),
        Case("p pb_wl_typed ⟦@no_such_symbol⟧", .unknownDataSymbol, "no symbol named 'no_such_symbol'"),
        // Limits of the guest's programs and records
        Case("f pb_wl_typed " + manyStrings.dropLast().joined(separator: " ") + " ⟦" + manyStrings.last! + "⟧", .eventTooBig,
             "more than a record's 512"),
        Case("f pb_wl_typed " + manyChains.dropLast().joined(separator: " ") + " ⟦" + manyChains.last! + "⟧", .programTooLong,
             "more than the guest's 64"),
    ]

    @Test func theCorpusIsLargeEnough() {
        #expect(Self.corpus.count >= 20)
        #expect(Set(Self.corpus.map(\.code)).count >= 20)
    }

    @Test(arguments: corpus)
    func aBadDefinitionIsRefusedWithACaretAndAttachesNothing(_ bad: Case) throws {
        let runner = try ProbeTestGuest.runner()
        let kernel = runner.kernel
        let marked = MarkedDefinition(bad.marked)
        let textBefore = try ProbeTestGuest.text(of: kernel)
        let hitsBefore = kernel.control.entryHits

        let error = try #require(throws: ProbeDefinitionError.self) {
            try runner.trace(marked.text, workload: .typedDefault, calls: 1)
        }
        #expect(error.code == bad.code, "\(error)")
        #expect(error.span == marked.span, "\(error)")
        #expect(error.message.contains(bad.says), "\(error)")
        #expect(error.definition == marked.text)
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines.dropFirst().first.map(String.init) == "  " + error.definitionLine)
        #expect(lines.last.map(String.init) == "  " + error.caretLine)
        #expect(error.caretLine.contains("^"))

        #expect(try kernel.attachedCount() == 0)
        #expect(try ProbeTestGuest.text(of: kernel) == textBefore)
        #expect(kernel.control.entryHits == hitsBefore)
    }

    /// The guest itself refuses to run a RET out of line: the attach fails, is reported against
    /// the probe point, and the guest's text is left as it was.
    @Test func anInstructionTheGuestCannotProbeIsRefusedByTheGuest() throws {
        let runner = try ProbeTestGuest.runner()
        let kernel = runner.kernel
        let function = try #require(kernel.symbols.symbol(named: "pb_wl_typed"))
        let ret = try #require(stride(from: function.address + 8, to: function.address + function.size, by: 4).first {
            kernel.machine.instructionWord(at: $0) == 0xD65F_03C0
        })
        let marked = MarkedDefinition("p ⟦pb_wl_typed+0x\(String(ret - function.address, radix: 16))⟧ %x0")
        let textBefore = try ProbeTestGuest.text(of: kernel)

        let error = try #require(throws: ProbeDefinitionError.self) {
            try runner.trace(marked.text, workload: .typedDefault, calls: 1)
        }
        #expect(error.code == .guestRejected, "\(error)")
        #expect(error.span == marked.span)
        #expect(error.message.contains("ret"), "\(error)")
        #expect(try kernel.attachedCount() == 0)
        #expect(try ProbeTestGuest.text(of: kernel) == textBefore)
    }
}
