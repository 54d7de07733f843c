import DebugInfo
import Foundation
import Testing

/// The type reader against `types.c`, checked against the compiler's own `offsetof` and bitfield
/// placements read out of `.data` (not against the DWARF itself).
@Suite(.enabled(if: TestEnvironment.canReadFixtures, "needs libdw.so.1 and the toolchain's clang + ld.lld"))
struct TypeReaderTests {
    /// The names whose offsets `layout_table` in types.c holds, in its order.
    static let layoutTableNames = [
        "id", "name", "label", "header", "word", "lo", "hi", "deep_value", "deep_bytes", "counter", "in",
        "in.b", "color", "callback", "raw_callback", "next", "matrix",
    ]

    enum DWARFVersion: String, CaseIterable, Sendable {
        case dwarf5, dwarf3

        func build() throws -> URL {
            switch self {
            case .dwarf5: return try FixturePrograms.typesDWARF5.get()
            case .dwarf3: return try FixturePrograms.typesDWARF3.get()
            }
        }
    }

    @Test("member offsets equal the compiler's offsetof, through nested anonymous members", arguments: DWARFVersion.allCases)
    func offsetsMatchCompiler(version: DWARFVersion) throws {
        let elfURL = try version.build()
        let program = try DWARFProgram(elfPath: elfURL.path)
        let elf = try TestELFFile(contentsOf: elfURL)
        let tableSymbol = try elf.symbol(named: "layout_table")
        let table = try elf.words(atAddress: tableSymbol.value, count: 2 + Self.layoutTableNames.count)
        #expect(table[0] == 0x4c41_594f_5554_0001, "layout_table not found where the symbol table says")

        let packet = try program.typeID(named: "struct packet")
        #expect(program.byteSize(of: packet) == Int(table[1]))
        for (index, name) in Self.layoutTableNames.enumerated() {
            let location = try program.member(dottedPath: name, in: packet)
            #expect(location.byteOffset == Int(table[2 + index]), "offset of \(name) (\(version))")
        }
    }

    @Test("bitfield placement covers exactly the bits the compiler sets", arguments: DWARFVersion.allCases)
    func bitfieldsMatchCompiler(version: DWARFVersion) throws {
        let elfURL = try version.build()
        let program = try DWARFProgram(elfPath: elfURL.path)
        let elf = try TestELFFile(contentsOf: elfURL)
        let probes = [
            ("bitfield_probe_flag_a", "struct packet", "flag_a"), ("bitfield_probe_kind", "struct packet", "kind"),
            ("bitfield_probe_code", "struct packet", "code"), ("bitfield_probe_delta", "struct packet", "delta"),
            ("bitfield_probe_wire_value", "struct wire", "value"), ("bitfield_probe_wire_tail", "struct wire", "tail"),
        ]
        for (symbolName, typeName, fieldName) in probes {
            let type = try program.typeID(named: typeName)
            let size = try #require(program.byteSize(of: type))
            let bytes = try elf.bytes(atAddress: try elf.symbol(named: symbolName).value, count: size)
            let setBits = (0..<size * 8).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 }
            let location = try program.member(named: fieldName, in: type)
            let field = try #require(location.bitField, "\(fieldName) is not described as a bitfield")
            let firstBit = location.byteOffset * 8 + field.bitOffset
            #expect(setBits == Array(firstBit..<firstBit + field.bitSize), "\(typeName).\(fieldName) (\(version))")
            #expect(field.bitOffset + field.bitSize <= field.storageByteSize * 8)
            #expect(location.byteOffset + field.storageByteSize <= size, "storage unit runs past the struct")
        }
    }

    @Test("DWARF 3 (DW_AT_bit_offset, DW_OP_addr) and DWARF 5 describe the same layouts")
    func dwarfVersionsAgree() throws {
        let modern = try DWARFProgram(elfPath: DWARFVersion.dwarf5.build().path)
        let legacy = try DWARFProgram(elfPath: DWARFVersion.dwarf3.build().path)
        for typeName in ["struct packet", "struct wire", "struct inner"] {
            let modernMembers = try members(of: typeName, in: modern)
            let legacyMembers = try members(of: typeName, in: legacy)
            #expect(modernMembers.map(\.name) == legacyMembers.map(\.name))
            #expect(modernMembers.map(\.byteOffset) == legacyMembers.map(\.byteOffset), "\(typeName)")
            #expect(modernMembers.map(\.bitField) == legacyMembers.map(\.bitField), "\(typeName)")
        }
        #expect(try modern.global(named: "global_counter").address == legacy.global(named: "global_counter").address)
    }

    @Test func anonymousMembersAreDescendedWithOffsetsAccumulated() throws {
        let program = try DWARFProgram(elfPath: DWARFVersion.dwarf5.build().path)
        let packet = try program.typeID(named: "packet_t")
        let deep = try program.member(named: "deep_value", in: packet)
        // struct { int header; union { u32 word; struct { lo; hi; union { deep_value; … } } } } at 32
        #expect(deep.route.count == 5)
        #expect(deep.route.dropLast().allSatisfy { $0.name == nil })
        #expect(deep.route.map(\.byteOffset) == [32, 8, 0, 8, 0])
        #expect(deep.byteOffset == 48)
        #expect(deep.member.name == "deep_value")
        #expect(program.name(of: deep.type) == "u64")
        #expect(try program.member(named: "hi", in: packet).byteOffset == 42)
        // A const-qualified typedef of the struct is looked through too.
        let constPacket = try program.typeID(named: "const_packet_t")
        #expect(try program.member(named: "deep_bytes", in: constPacket).byteOffset == 48)
    }

    @Test func typeModelDescribesEachKind() throws {
        let program = try DWARFProgram(elfPath: DWARFVersion.dwarf5.build().path)
        let packet = try program.typeID(named: "struct packet")

        let name = try program.member(named: "name", in: packet).type
        guard case .pointer(let pointee, let pointerSize) = program.type(name).kind else {
            Issue.record("char * is \(program.type(name).kind)")
            return
        }
        #expect(pointerSize == 8)
        // char is unsigned on AArch64.
        #expect(program.type(pointee).kind == .base(BaseType(name: "char", byteSize: 1, encoding: .unsignedChar)))

        let label = try program.member(named: "label", in: packet).type
        guard case .array(let array) = program.type(label).kind else {
            Issue.record("char[12] is \(program.type(label).kind)")
            return
        }
        #expect(array.element == pointee)
        #expect(array.count == 12)

        let counter = try program.member(named: "counter", in: packet).type
        #expect(program.qualifiers(of: counter) == [.const, .volatile])
        let strippedCounter = program.strippingQualifiers(counter)
        #expect(program.type(strippedCounter).kind == .typedef(name: "u32", target: program.resolvingTypedefs(counter)))
        #expect(program.type(program.resolvingTypedefs(counter)).kind
            == .base(BaseType(name: "unsigned int", byteSize: 4, encoding: .unsigned)))
        #expect(program.name(of: counter) == "const volatile u32")

        let callback = try program.member(named: "callback", in: packet).type
        guard case .pointer(let functionID, _) = program.type(program.resolvingTypedefs(callback)).kind,
            case .function(let function) = program.type(functionID).kind
        else {
            Issue.record("handler_fn is \(program.type(program.resolvingTypedefs(callback)).kind)")
            return
        }
        #expect(program.name(of: function.returnType) == "int")
        #expect(function.parameterTypes.map { program.name(of: $0) } == ["int", "const char *"])
        #expect(!function.isVariadic && function.isPrototyped)
        #expect(program.name(of: try program.member(named: "raw_callback", in: packet).type) == "int (*)(int, const char *)")

        let color = try program.member(named: "color", in: packet).type
        guard case .enumeration(let enumeration) = program.type(color).kind else {
            Issue.record("enum color is \(program.type(color).kind)")
            return
        }
        #expect(enumeration.name == "color" && enumeration.byteSize == 4)
        #expect(enumeration.enumerators == [
            Enumerator(name: "RED", value: 1), Enumerator(name: "GREEN", value: 2), Enumerator(name: "BLUE", value: -3),
        ])

        let next = try program.member(named: "next", in: packet).type
        #expect(program.type(next).kind == .pointer(pointee: packet, byteSize: 8))

        let matrix = try program.member(named: "matrix", in: packet).type
        #expect(program.name(of: matrix) == "int[2][3]")
        #expect(program.byteSize(of: matrix) == 24)

        let flexible = try program.typeID(named: "with_flex")
        let data = try program.member(named: "data", in: flexible)
        guard case .array(let flexibleArray) = program.type(data.type).kind else {
            Issue.record("flexible array is \(program.type(data.type).kind)")
            return
        }
        #expect(flexibleArray.dimensions == [nil])
        #expect(data.byteOffset == 4)

        #expect(program.byteSize(of: try program.typeID(named: "struct wire")) == 5)
        #expect(program.name(of: try program.member(named: "in", in: packet).type) == "struct inner")
        let inner = try program.typeID(named: "struct inner")
        let ready = program.resolvingTypedefs(try program.member(named: "ready", in: inner).type)
        #expect(program.type(ready).kind == .base(BaseType(name: "_Bool", byteSize: 1, encoding: .boolean)))
        let level = program.resolvingTypedefs(try program.member(named: "level", in: inner).type)
        #expect(program.type(level).kind == .base(BaseType(name: "signed char", byteSize: 1, encoding: .signedChar)))
        #expect(try program.member(named: "level", in: inner).byteOffset == 6)
    }

    @Test func namedTypeLookup() throws {
        let program = try DWARFProgram(elfPath: DWARFVersion.dwarf5.build().path)
        let packet = try program.typeID(named: "struct packet")
        #expect(try program.typeID(named: "packet") == packet)
        #expect(program.resolvingTypedefs(try program.typeID(named: "packet_t")) == packet)
        #expect(program.name(of: try program.typeID(named: "unsigned  int")) == "unsigned int")
        #expect(program.name(of: try program.typeID(named: "enum color")) == "enum color")
        #expect(throws: DebugInfoError.typeNotFound(name: "struct nowhere", path: program.path)) {
            try program.typeID(named: "struct nowhere")
        }
    }

    @Test func missingMembersNameWhatAndWhere() throws {
        let program = try DWARFProgram(elfPath: DWARFVersion.dwarf5.build().path)
        let packet = try program.typeID(named: "packet_t")
        #expect(throws: DebugInfoError.memberNotFound(member: "nothing", typeName: "packet_t", path: program.path)) {
            try program.member(named: "nothing", in: packet)
        }
        // The path step that fails is named, with the type it was looked up in.
        #expect(throws: DebugInfoError.memberNotFound(member: "zz", typeName: "struct inner", path: program.path)) {
            try program.member(dottedPath: "in.zz", in: packet)
        }
        let integer = try program.typeID(named: "int")
        #expect(throws: DebugInfoError.notAnAggregate(member: "a", typeName: "int", path: program.path)) {
            try program.member(named: "a", in: integer)
        }
        // Members are not looked up through pointers.
        #expect(throws: DebugInfoError.notAnAggregate(member: "id", typeName: "struct packet *", path: program.path)) {
            try program.member(dottedPath: "next.id", in: packet)
        }
        let error = DebugInfoError.memberNotFound(member: "nothing", typeName: "packet_t", path: "/x/guest.elf")
        #expect(error.description.contains("'nothing'") && error.description.contains("packet_t")
            && error.description.contains("/x/guest.elf"))
    }

    private func members(of typeName: String, in program: DWARFProgram) throws -> [Member] {
        let id = try program.typeID(named: typeName)
        switch program.type(id).kind {
        case .structure(let composite), .union(let composite): return composite.members
        default: throw FixturePrograms.BuildFailure(description: "\(typeName) is not a struct")
        }
    }
}
