import DebugInfo
import GuestKernel
import Testing
@testable import Harness

/// Typed arguments fetched by the guest's handler on the kprobe (pt_regs), fprobe (ftrace_regs)
/// and kretprobe paths match what the typed workload was called with and the values its data was
/// given at boot (`Guest/typed/typed.c`).
@Suite(.enabled(if: ProbeTestGuest.hasDebugInfo, Comment(rawValue: ProbeTestGuest.skipReason)))
struct TypedFetchTests {
    /// Not the defaults, so that a value cannot match by accident.
    static let call = TypedWorkloadArguments(count: -77, delta: 123_456, mode: 0x5C)

    /// Members of the object: plain, through an anonymous union inside an anonymous struct
    /// (balance, raw), bitfields (state, level, mode), strings through `->` (a `char *`) and an
    /// embedded `char[]`, an embedded struct's members through `.` (one in its own anonymous union).
    static let members = "id=obj->id:x64 name=obj->name:string kind=obj->kind balance=obj->balance raw=obj->raw:x64 "
        + "state=obj->state level=obj->level bits=obj->mode label=obj->label:string tag16=obj->inner.tag "
        + "word=obj->inner.word:x32 value=obj->inner.value"
    /// Parameters and a chain through the `next` pointer.
    static let parametersAndChain = "count delta mode tag:string peer=obj->next->id peer_name=obj->next->name:string "
        + "peer_raw=obj->next->raw:x64 peer_level=obj->next->level peer_label=obj->next->label:string $arg2"
    /// The result through `$retval`.
    static let result = "status=$retval->status message=$retval->message:string oid=$retval->object->id:x64 "
        + "olabel=$retval->object->label:string rtag=$retval->tag:string checksum=$retval->checksum rmode=$retval->mode "
        + "where=$retval:symbol"

    private func trace(_ definition: String, calls: Int = 2) throws -> (ProbeTrace, [String: FetchedValue]) {
        let runner = try ProbeTestGuest.runner()
        let trace = try runner.trace(definition, workload: .typed(Self.call), calls: calls)
        try #require(trace.events.count == calls, "\(calls) calls gave \(trace.events.count) events")
        #expect(trace.dropped == 0)
        for event in trace.events {
            #expect(!event.faulted, "\(event)")
            #expect(event.values == trace.events[0].values, "every call fetches the same values")
        }
        let names = trace.compiled.probe.arguments.map(\.name)
        return (trace, Dictionary(uniqueKeysWithValues: zip(names, trace.events[0].values)))
    }

    @Test(arguments: [("p", RegisterSetKind.ptRegs, Mechanism.kprobeXOL), ("f", .ftraceRegs, .fprobe)])
    func membersOfTheObject(kind: String, registers: RegisterSetKind, mechanism: Mechanism) throws {
        let (trace, values) = try trace("\(kind) pb_wl_typed \(Self.members)")
        #expect(trace.compiled.probe.mechanism == mechanism)
        #expect(trace.events.allSatisfy { $0.registers == registers && !$0.isReturn })
        #expect(values["id"]?.integer == TypedWorkloadValues.id)
        #expect(values["name"]?.string == TypedWorkloadValues.name)
        #expect(values["kind"]?.integer == TypedWorkloadValues.kind)
        #expect(values["balance"]?.integer == UInt64(bitPattern: TypedWorkloadValues.balance))
        #expect(values["raw"]?.integer == UInt64(bitPattern: TypedWorkloadValues.balance))
        #expect(values["state"]?.integer == TypedWorkloadValues.state)
        #expect(values["level"]?.integer == UInt64(bitPattern: TypedWorkloadValues.level))
        #expect(values["bits"]?.integer == TypedWorkloadValues.mode)
        #expect(values["label"]?.string == TypedWorkloadValues.label)
        #expect(values["tag16"]?.integer == TypedWorkloadValues.innerTag)
        #expect(values["word"]?.integer == TypedWorkloadValues.innerWord)
        #expect(values["value"]?.integer == TypedWorkloadValues.innerValue)
    }

    @Test(arguments: [("p", RegisterSetKind.ptRegs), ("f", .ftraceRegs)])
    func parametersAndAPointerChain(kind: String, registers: RegisterSetKind) throws {
        let (trace, values) = try trace("\(kind) pb_wl_typed \(Self.parametersAndChain)")
        #expect(trace.events.allSatisfy { $0.registers == registers })
        #expect(values["count"]?.integer == UInt64(bitPattern: Self.call.count))
        #expect(values["delta"]?.integer == UInt64(bitPattern: Int64(Self.call.delta)))
        #expect(values["mode"]?.integer == UInt64(Self.call.mode))
        #expect(values["tag"]?.string == TypedWorkloadValues.tag)
        #expect(values["peer"]?.integer == TypedWorkloadValues.peerID)
        #expect(values["peer_name"]?.string == TypedWorkloadValues.peerName)
        #expect(values["peer_raw"]?.integer == TypedWorkloadValues.peerRaw)
        #expect(values["peer_level"]?.integer == UInt64(bitPattern: TypedWorkloadValues.peerLevel))
        #expect(values["peer_label"]?.string == TypedWorkloadValues.peerLabel)
        #expect(values["arg10"]?.integer == UInt64(bitPattern: Self.call.count), "$arg2 is count")
    }

    /// `$retval->field` on a kretprobe, `f …%return`, and an `f` probe that `$retval` turns into a return probe.
    @Test(arguments: [("r pb_wl_typed", Mechanism.kretprobeBRK, RegisterSetKind.ptRegs),
                      ("f pb_wl_typed%return", .fprobe, .ftraceRegs),
                      ("f pb_wl_typed", .fprobe, .ftraceRegs),
                      ("p pb_wl_typed%return", .kretprobeBRK, .ptRegs)])
    func theResultThroughRetval(head: String, mechanism: Mechanism, registers: RegisterSetKind) throws {
        let (trace, values) = try trace("\(head) \(Self.result)")
        let kernel = try ProbeTestGuest.kernel()
        #expect(trace.compiled.probe.mechanism == mechanism)
        #expect(trace.compiled.probe.isReturn)
        #expect(trace.events.allSatisfy { $0.isReturn && $0.registers == registers })
        #expect(trace.events.allSatisfy { $0.returnAddress == kernel.driverReturnSite })
        #expect(values["status"]?.integer == UInt64(bitPattern: TypedWorkloadValues.status(Self.call)))
        #expect(values["message"]?.string == TypedWorkloadValues.label)
        #expect(values["oid"]?.integer == TypedWorkloadValues.id)
        #expect(values["olabel"]?.string == TypedWorkloadValues.label)
        #expect(values["rtag"]?.string == TypedWorkloadValues.tag)
        #expect(values["checksum"]?.integer == TypedWorkloadValues.checksum(Self.call))
        #expect(values["rmode"]?.integer == UInt64(Self.call.mode))
        #expect(values["where"]?.integer == (try kernel.address(of: "pb_typed_result")))
    }

    /// The anonymous union's member sits inside an anonymous struct at a non-zero offset: the
    /// load's offset is the sum of the levels the DWARF describes, and that is where the C layout
    /// and the compiler put it.
    @Test func offsetsAccumulateThroughAnonymousMembers() throws {
        let program = try ProbeTestGuest.debugInfo.get()
        let object = try program.typeID(named: "struct pb_typed_object")
        let balance = try program.member(named: "balance", in: object)
        #expect(balance.route.count == 3, "anonymous struct, anonymous union, balance")
        #expect(balance.route[0].name == nil && balance.route[1].name == nil && balance.route[2].name == "balance")
        // struct pb_typed_object (Guest/include/pb/typed.h) under AArch64 LP64, by hand:
        //   u64 id                       [0, 8)
        //   const char *name             [8, 16)
        //   struct { … }                 at 16: 8-aligned, as its union holds an s64, a u64 and a pointer
        //     u32 kind                     +0, [16, 20)
        //     union { s64 balance; … }     +8: 8-aligned, so 4 bytes of padding after kind
        //       s64 balance                  +0
        // balance: 16 + 8 + 0 = 24.
        #expect(balance.route.map(\.byteOffset) == [16, 8, 0])
        #expect(balance.byteOffset == 24)

        let runner = try ProbeTestGuest.runner()
        // The compiler agrees: that offset in the guest's pb_typed_object holds what typed.c initialises balance with.
        let objectAddress = try runner.kernel.address(of: "pb_typed_object")
        #expect(runner.kernel.machine.memory.readUInt64(at: objectAddress + UInt64(balance.byteOffset))
            == UInt64(bitPattern: TypedWorkloadValues.balance))
        let compiled = try runner.compile("f pb_wl_typed obj->balance")
        #expect(compiled.argumentOps[0].contains { $0.opcode == .load && $0.immediate == Int64(balance.byteOffset) })
    }

    /// The trace lines read like the kernel's: event, location, `name=value` in each type's format.
    @Test func traceLinesInTheKernelsFormat() throws {
        let (entry, _) = try trace("p:typed/probe pb_wl_typed id=obj->id:x64 balance=obj->balance label=obj->label:string level=obj->level", calls: 1)
        let line = try #require(entry.lines.first)
        let function = entry.compiled.probe.function
        #expect(line == "probe: (pb_wl_typed+0x0/0x\(String(function.size, radix: 16))) id=0x1111222233334444 balance=-1234567890123 label=\"embedded-label\" level=-13")
        let (exit, _) = try trace("r pb_wl_typed s=$retval:symbol", calls: 1)
        #expect(try #require(exit.lines.first).hasPrefix("r_pb_wl_typed_0: (pb_driver+0x"))
        #expect(try #require(exit.lines.first).contains(" <- pb_wl_typed) s=pb_typed_result+0x0/0x"))
    }

    /// Explicit types reinterpret what the DWARF describes: a bitfield spec on the storage unit, a
    /// narrower load, a signed view of an unsigned member.
    @Test func explicitTypesOverrideTheDWARF() throws {
        let program = try ProbeTestGuest.debugInfo.get()
        let object = try program.typeID(named: "struct pb_typed_object")
        let level = try program.member(named: "level", in: object)
        let field = try #require(level.bitField)
        let spec = "b\(field.bitSize)@\(field.bitOffset)/\(field.storageByteSize * 8)"
        let (_, values) = try trace("f pb_wl_typed raw=+\(level.byteOffset)(obj):\(spec) low=obj->balance:u8 word=obj->inner.word:s32 lvl=obj->level:x8")
        let width = UInt64(field.bitSize)
        #expect(values["raw"]?.integer == UInt64(bitPattern: TypedWorkloadValues.level) & ((1 << width) - 1))
        #expect(values["low"]?.integer == UInt64(UInt8(truncatingIfNeeded: TypedWorkloadValues.balance)))
        #expect(values["word"]?.integer == UInt64(bitPattern: Int64(Int32(bitPattern: UInt32(TypedWorkloadValues.innerWord)))))
        #expect(values["lvl"]?.integer == UInt64(bitPattern: TypedWorkloadValues.level), "extracted and sign-extended, shown as x8")
    }

    /// Untyped fetches follow the kernel: registers, dereferences, symbols, the stack.
    @Test func untypedFetchesOnAKprobe() throws {
        let kernel = try ProbeTestGuest.kernel()
        let object = try kernel.address(of: "pb_typed_object")
        let program = try ProbeTestGuest.debugInfo.get()
        let name = try program.member(named: "name", in: try program.typeID(named: "struct pb_typed_object"))
        let (trace, values) = try trace("p pb_wl_typed x0=%x0 x1=%x1:s64 name=+0(+\(name.byteOffset)(%x0)):string "
            + "sym=@pb_typed_object:x64 tag=@pb_typed_tag:string sp=$stack lr=%x30:symbol imm=\\-9:s8")
        #expect(values["x0"]?.integer == object)
        #expect(values["x1"]?.integer == UInt64(bitPattern: Self.call.count))
        #expect(values["name"]?.string == TypedWorkloadValues.name)
        #expect(values["sym"]?.integer == TypedWorkloadValues.id)
        #expect(values["tag"]?.string == TypedWorkloadValues.tag)
        #expect(values["lr"]?.integer == kernel.driverReturnSite)
        #expect(values["imm"]?.integer == UInt64(bitPattern: -9))
        let stack = try #require(values["sp"]?.integer)
        #expect(stack < kernel.taskStackTop && stack > kernel.taskStackTop - 16384)
        #expect(trace.compiled.probe.arguments.first { $0.name == "x0" }?.type == .hex(bits: 64))
    }

    /// A kprobe inside the body (after the frame record store) still fires and reads registers.
    @Test func aKprobeAtAnOffsetIntoTheBody() throws {
        let kernel = try ProbeTestGuest.kernel()
        let (trace, values) = try trace("p pb_wl_typed+12 x0=%x0 fp=%x29 sp=%sp", calls: 1)
        #expect(trace.compiled.probe.attachParameter == 12)
        #expect(trace.compiled.probe.probeAddress == trace.compiled.probe.function.address + 12)
        #expect(values["x0"]?.integer == (try kernel.address(of: "pb_typed_object")))
        #expect(values["fp"]?.integer != nil)
        #expect(trace.lines.first?.hasPrefix("p_pb_wl_typed_12: (pb_wl_typed+0xc/0x") == true)
    }

    /// The typed workload borrows call_args x1–x4 and puts them back.
    @Test func theTypedWorkloadPutsTheCallArgumentsBack() throws {
        let runner = try ProbeTestGuest.runner()
        let before = runner.kernel.control.callArguments
        _ = try runner.trace("f pb_wl_typed count", workload: .typed(Self.call), calls: 1)
        #expect(runner.kernel.control.callArguments == before)
    }

    /// Arguments passed on the stack (AAPCS64: after x0–x7) and a struct larger than 16 bytes
    /// passed by reference, on both paths, against what the driver passed.
    @Test(arguments: ["p", "f"])
    func stackArgumentsAndAStructByReference(kind: String) throws {
        let runner = try ProbeTestGuest.runner()
        let trace = try runner.trace("\(kind) pb_wl_args a1 a7 a8 a9 big.a big.b big.c big.d $arg10", calls: 1)
        let event = try #require(trace.events.first)
        let passed = runner.kernel.control.callArguments
        let expected = [passed[1], passed[7], passed[8], passed[9], passed[10], passed[11], passed[12], passed[13], passed[9]]
        #expect(event.values == expected.map { .integer(UInt64(bitPattern: $0)) })
    }
}
