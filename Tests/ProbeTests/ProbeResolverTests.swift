import DebugInfo
import GuestKernel
import Testing
@testable import Harness

/// Resolution against the guest's symbols and DWARF, without running anything.
@Suite(.enabled(if: ProbeTestGuest.hasDebugInfo, Comment(rawValue: ProbeTestGuest.skipReason)))
struct ProbeResolverTests {
    let runner: ProbeRunner

    init() throws {
        runner = try ProbeTestGuest.runner()
    }

    private func resolve(_ definition: String) throws -> ResolvedProbe {
        try ProbeResolver(image: runner.image).resolve(definition)
    }

    @Test func typesComeFromTheDWARF() throws {
        let probe = try resolve("f pb_wl_typed obj count delta mode tag obj->kind obj->state obj->level obj->inner.tag obj->name obj->id")
        #expect(probe.arguments.map(\.type) == [
            .hex(bits: 64), .signed(bits: 64), .signed(bits: 32), .unsigned(bits: 8), .hex(bits: 64), .unsigned(bits: 32),
            .bitfield(width: 3, offset: probe.arguments[6].type.bitfieldOffset, containerBits: 32, isSigned: false),
            .bitfield(width: 6, offset: probe.arguments[7].type.bitfieldOffset, containerBits: 32, isSigned: true),
            .unsigned(bits: 16), .hex(bits: 64), .unsigned(bits: 64),
        ])
        #expect(probe.arguments.map(\.cType) == [
            "struct pb_typed_object *", "long", "int", "unsigned char", "const char *", "u32", "u32", "s32", "u16",
            "const char *", "u64",
        ])
    }

    @Test func stringsDereferenceACharPointerAndAddressACharArray() throws {
        let probe = try resolve("f pb_wl_typed obj->name:string obj->label:string tag:string")
        let program = try ProbeTestGuest.debugInfo.get()
        let object = try program.typeID(named: "struct pb_typed_object")
        let name = try program.member(named: "name", in: object)
        let label = try program.member(named: "label", in: object)
        #expect(probe.arguments[0].steps == [.loadRegister(offset: 0), .dereference(offset: Int64(name.byteOffset))])
        #expect(probe.arguments[0].store == .string(maxLength: GuestABI.Fetch.maxString))
        #expect(probe.arguments[1].steps == [.loadRegister(offset: 0), .add(Int64(label.byteOffset))])
        #expect(probe.arguments[1].store == .string(maxLength: 16), "char label[16]")
        #expect(probe.arguments[2].steps == [.loadRegister(offset: 32)], "tag is x4, already the string's address")
    }

    @Test func probePointsMapToTheGuestsAttachParameter() throws {
        // As arm64 places them: +0 on the patch site's `mov x9, x30`, +8 the first body instruction.
        let entry = try resolve("p pb_wl_typed")
        let body = try resolve("p pb_wl_typed+8")
        let inside = try resolve("p pb_wl_typed+0x10")
        #expect(entry.mechanism == .kprobeXOL && entry.attachParameter == 0)
        #expect(entry.probeAddress == entry.function.address)
        #expect(body.attachParameter == 8 && body.probeAddress == entry.function.address + 8)
        #expect(inside.attachParameter == 16 && inside.probeAddress == entry.function.address + 16)
        #expect(try resolve("r pb_wl_typed").mechanism == .kretprobeBRK)
        #expect(try resolve("p pb_wl_typed%return").mechanism == .kretprobeBRK)
        #expect(try resolve("f pb_wl_typed").mechanism == .fprobe)
        #expect(try resolve("f pb_wl_typed $retval").isReturn)
    }

    @Test func registerOffsetsDependOnTheRegsStruct() throws {
        let kprobe = try resolve("p pb_wl_typed $stack %sp %pc %x2 $stack3")
        let fprobe = try resolve("f pb_wl_typed $stack delta $stack3")
        #expect(kprobe.registers == .ptRegs && fprobe.registers == .ftraceRegs)
        #expect(kprobe.arguments.map(\.steps) == [[.loadRegister(offset: 248)], [.loadRegister(offset: 248)],
                                                   [.loadRegister(offset: 256)], [.loadRegister(offset: 16)], [.loadStackSlot(3)]])
        #expect(fprobe.arguments.map(\.steps) == [[.loadRegister(offset: 96)], [.loadRegister(offset: 16)], [.loadStackSlot(3)]])
    }

    @Test func defaultEventNamesAndTheCanonicalDefinition() throws {
        #expect(try resolve("p pb_wl_typed").event == "p_pb_wl_typed_0")
        #expect(try resolve("p pb_wl_typed+12").event == "p_pb_wl_typed_12")
        #expect(try resolve("r pb_wl_typed").event == "r_pb_wl_typed_0")
        #expect(try resolve("f pb_wl_typed").event == "pb_wl_typed__entry")
        #expect(try resolve("f pb_wl_typed $retval").event == "pb_wl_typed__exit")
        #expect(try resolve("f:mine/ pb_wl_typed").event == "pb_wl_typed__entry")
        #expect(try resolve("f pb_wl_typed").group == "fprobes")
        #expect(try resolve("p pb_wl_typed").group == "kprobes")
        #expect(try resolve("f pb_wl_typed $retval->status m=$retval->message:string").canonicalDefinition
            == "f:fprobes/pb_wl_typed__exit pb_wl_typed%return status=$retval->status m=$retval->message:string")
        #expect(try resolve("p:g/e pb_wl_typed+12 %x1:u8").canonicalDefinition == "p:g/e pb_wl_typed+12 arg1=%x1:u8")
    }

    /// Random combinations of heads, bases, member chains and types either resolve and compile
    /// within the guest's limits or are refused with a definition error: nothing else, no crash.
    @Test func randomDefinitionsResolveOrAreRefused() throws {
        let heads = ["p pb_wl_typed", "f pb_wl_typed", "r pb_wl_typed", "p pb_wl_typed+12", "f pb_wl_args", "f pb_wl_typed_clear",
                     "p pb_wl_leaf%return"]
        let bases = ["obj", "count", "$retval", "$arg3", "$arg11", "%x1", "$stack2", "$stack", "@pb_typed_object", "tag", "big",
                     "r", "+8(obj)", "-4($retval)", "\\5", "a9", "@pb_typed_tag+3"]
        let names = ["next", "name", "label", "inner", "tag", "word", "bytes", "balance", "level", "state", "id", "nope", "status",
                     "object", "message", "a", "peer"]
        let types = ["", ":string", ":u8", ":s64", ":x32", ":symbol", ":b3@2/32", ":b64@0/64"]
        var generator = SplitMix(seed: 0xD1CE)
        func pick(_ choices: [String]) -> String { choices[Int(generator.next() % UInt64(choices.count))] }
        var resolved = 0
        for _ in 0..<3000 {
            var arguments: [String] = []
            for _ in 0..<Int(generator.next() % 4) {
                var argument = pick(bases)
                for _ in 0..<Int(generator.next() % 4) { argument += pick(["->", "."]) + pick(names) }
                arguments.append(argument + pick(types))
            }
            let definition = ([pick(heads)] + arguments).joined(separator: " ")
            do {
                let compiled = try runner.compile(definition)
                #expect(compiled.entryProgram.count <= GuestABI.Fetch.maxOps && compiled.exitProgram.count <= GuestABI.Fetch.maxOps)
                resolved += 1
            } catch let error as ProbeDefinitionError {
                #expect(error.span.end <= Array(definition.unicodeScalars).count + 1, "\(error)")
            }
        }
        #expect(resolved > 100)
    }

    @Test func programsEndTheirReturnRecordsWithTheReturnAddress() throws {
        let compiled = try runner.compile("r pb_wl_typed $retval->status")
        #expect(compiled.entryProgram.isEmpty)
        #expect(compiled.exitProgram.suffix(2) == [GuestFetchOp(.loadRegister, immediate: 256), GuestFetchOp(.store, size: 8)])
        let entry = try runner.compile("p pb_wl_typed count")
        #expect(entry.exitProgram.isEmpty)
        #expect(entry.entryProgram == [GuestFetchOp(.loadRegister, immediate: 8), GuestFetchOp(.store, size: 8, isSigned: true)])
    }
}

/// Without the DWARF (libdw missing, say) untyped arguments still work and typed ones say why not.
@Suite struct ResolutionWithoutDebugInfoTests {
    struct NoLibDW: Error, CustomStringConvertible {
        var description: String { "libdw is unavailable: test" }
    }

    @Test func untypedArgumentsResolveAndTypedOnesExplainTheMissingDWARF() throws {
        let kernel = try ProbeTestGuest.kernel()
        let runner = ProbeRunner(kernel: kernel, image: ProbeTargetImage(kernel: kernel, debugInfo: .failure(NoLibDW())))
        let trace = try runner.trace("p pb_wl_typed %x1:s64 +0(%x4):string $arg3:s32", workload: .typedDefault, calls: 1)
        let event = try #require(trace.events.first)
        #expect(event.values == [.integer(UInt64(bitPattern: TypedWorkloadArguments().count)), .string(Array("typed-tag".utf8)),
                                 .integer(UInt64(bitPattern: Int64(TypedWorkloadArguments().delta)))])
        let error = try #require(throws: ProbeDefinitionError.self) { try runner.compile("f pb_wl_typed obj->id") }
        #expect(error.code == .debugInfoUnavailable)
        #expect(error.message.contains("libdw is unavailable: test"))
        #expect(error.span == DefinitionSpan(start: 14, length: 3))
        #expect(try kernel.attachedCount() == 0)
    }
}

extension FetchType {
    /// The bit offset of a bitfield type (0 for the others), for expectations.
    var bitfieldOffset: Int {
        if case .bitfield(_, let offset, _, _) = self { return offset }
        return 0
    }
}
