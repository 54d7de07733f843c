/// Walks every DIE of an open ``DwarfSession`` once and builds the Swift model of its types,
/// functions and globals.
final class DWARFLoader {
    /// What the walk produced, ready for ``DWARFProgram``.
    struct Contents {
        var types: [TypeID: DWARFType] = [.void: DWARFType(id: .void, kind: .void)]
        var functions: [DWARFFunction] = []
        var globals: [DWARFGlobal] = []
        var typeIDsByName: [String: [TypeID]] = [:]
    }

    private let session: DwarfSession
    private var contents = Contents()
    /// Types referenced by `DW_AT_type` whose DIE tag the model does not describe, with tag and name.
    private var referencedTypes: [TypeID: (tag: UInt32, name: String?)] = [:]

    private static let typeTags: Set<UInt32> = [
        DW.Tag.baseType, DW.Tag.pointerType, DW.Tag.arrayType, DW.Tag.structureType, DW.Tag.classType,
        DW.Tag.unionType, DW.Tag.enumerationType, DW.Tag.typedef, DW.Tag.constType, DW.Tag.volatileType,
        DW.Tag.restrictType, DW.Tag.atomicType, DW.Tag.subroutineType, DW.Tag.unspecifiedType,
    ]

    /// Sizes, counts and offsets above this (1 TiB) are clamped, so damaged DWARF cannot make
    /// the arithmetic on them overflow.
    static let sizeLimit = 1 << 40

    static func bounded(_ value: UInt64) -> Int {
        value > UInt64(sizeLimit) ? sizeLimit : Int(value)
    }

    static func bounded(_ value: Int64) -> Int {
        Int(max(-Int64(sizeLimit), min(Int64(sizeLimit), value)))
    }

    init(session: DwarfSession) {
        self.session = session
    }

    func load() throws -> Contents {
        for root in try session.unitRoots() {
            let unitName = session.string(root, DW.Attribute.name)
            for child in try session.children(of: root) {
                try visit(child, atFileScope: true, unitName: unitName)
            }
        }
        for (id, reference) in referencedTypes where contents.types[id] == nil {
            contents.types[id] = DWARFType(id: id, kind: .unsupported(tag: reference.tag, name: reference.name))
        }
        return contents
    }

    private func visit(_ die: LibDW.DIE, atFileScope: Bool, unitName: String?) throws {
        let tag = session.tag(die)
        if Self.typeTags.contains(tag) {
            let id = TypeID(dieOffset: session.offset(die))
            let type = DWARFType(id: id, kind: try readType(die, tag: tag))
            contents.types[id] = type
            if let key = lookupKey(for: type) { contents.typeIDsByName[key, default: []].append(id) }
        } else if tag == DW.Tag.subprogram {
            if let function = try readFunction(die, unitName: unitName) { contents.functions.append(function) }
        } else if tag == DW.Tag.variable && atFileScope {
            if let global = try readGlobal(die, unitName: unitName) { contents.globals.append(global) }
        }
        for child in try session.children(of: die) {
            try visit(child, atFileScope: false, unitName: unitName)
        }
    }

    // MARK: Types

    private func readType(_ die: LibDW.DIE, tag: UInt32) throws -> DWARFType.Kind {
        switch tag {
        case DW.Tag.baseType:
            return .base(BaseType(
                name: session.string(die, DW.Attribute.name) ?? "<unnamed>",
                byteSize: Self.bounded(session.unsigned(die, DW.Attribute.byteSize) ?? 0),
                encoding: encoding(session.unsigned(die, DW.Attribute.encoding))))
        case DW.Tag.pointerType:
            let size = session.unsigned(die, DW.Attribute.byteSize).map(Self.bounded) ?? session.addressSize(die)
            return .pointer(pointee: try typeReference(die), byteSize: size)
        case DW.Tag.arrayType:
            return .array(ArrayType(element: try typeReference(die), dimensions: try arrayDimensions(die)))
        case DW.Tag.structureType, DW.Tag.classType:
            return .structure(try readComposite(die))
        case DW.Tag.unionType:
            return .union(try readComposite(die))
        case DW.Tag.enumerationType:
            return .enumeration(try readEnumeration(die))
        case DW.Tag.typedef:
            return .typedef(name: session.string(die, DW.Attribute.name) ?? "<unnamed>", target: try typeReference(die))
        case DW.Tag.constType:
            return .qualified(.const, target: try typeReference(die))
        case DW.Tag.volatileType:
            return .qualified(.volatile, target: try typeReference(die))
        case DW.Tag.restrictType:
            return .qualified(.restrict, target: try typeReference(die))
        case DW.Tag.atomicType:
            return .qualified(.atomic, target: try typeReference(die))
        case DW.Tag.subroutineType:
            let parameters = try parameterList(of: die)
            return .function(FunctionType(
                returnType: try typeReference(die),
                parameterTypes: parameters.parameters.map(\.type),
                isVariadic: parameters.isVariadic,
                isPrototyped: session.flag(die, DW.Attribute.prototyped)))
        default:
            return .unsupported(tag: tag, name: session.string(die, DW.Attribute.name))
        }
    }

    /// The type named by the DIE's `DW_AT_type`, or ``TypeID/void`` when it has none.
    private func typeReference(_ die: LibDW.DIE, integrate: Bool = false) throws -> TypeID {
        guard let target = try session.reference(die, DW.Attribute.type, integrate: integrate) else { return .void }
        let id = TypeID(dieOffset: session.offset(target))
        if referencedTypes[id] == nil {
            referencedTypes[id] = (session.tag(target), session.string(target, DW.Attribute.name))
        }
        return id
    }

    private func encoding(_ value: UInt64?) -> BaseEncoding {
        switch value.map(UInt32.init(truncatingIfNeeded:)) {
        case DW.Encoding.signed: return .signed
        case DW.Encoding.unsigned: return .unsigned
        case DW.Encoding.boolean: return .boolean
        case DW.Encoding.signedChar: return .signedChar
        case DW.Encoding.unsignedChar: return .unsignedChar
        case DW.Encoding.float: return .float
        case let other: return .other(other ?? 0)
        }
    }

    private func arrayDimensions(_ die: LibDW.DIE) throws -> [Int?] {
        try session.children(of: die).filter { session.tag($0) == DW.Tag.subrangeType }.map { subrange in
            if let count = session.unsigned(subrange, DW.Attribute.count) { return Self.bounded(count) }
            guard var upper = session.attribute(subrange, DW.Attribute.upperBound) else { return nil }
            // A negative or non-constant upper bound (flexible array, VLA) means "unknown".
            guard let upperBound = session.signed(&upper), upperBound >= 0 else { return nil }
            let lowerBound = session.unsigned(subrange, DW.Attribute.lowerBound) ?? 0
            return max(0, Self.bounded(UInt64(upperBound)) + 1 - Self.bounded(lowerBound))
        }
    }

    private func readComposite(_ die: LibDW.DIE) throws -> CompositeType {
        var members: [Member] = []
        let byteSize = session.unsigned(die, DW.Attribute.byteSize).map(Self.bounded)
        for child in try session.children(of: die) where session.tag(child) == DW.Tag.member {
            // C++ static data members are declarations without storage in the object.
            if session.flag(child, DW.Attribute.external) || session.flag(child, DW.Attribute.declaration) { continue }
            members.append(try readMember(child, aggregateSize: byteSize))
        }
        return CompositeType(
            name: session.string(die, DW.Attribute.name),
            byteSize: byteSize,
            members: members,
            isDeclaration: session.flag(die, DW.Attribute.declaration))
    }

    private func readMember(_ die: LibDW.DIE, aggregateSize: Int?) throws -> Member {
        let name = session.string(die, DW.Attribute.name)
        let type = try typeReference(die)
        let location = try memberLocation(die)
        guard let bitSize = session.unsigned(die, DW.Attribute.bitSize) else {
            return Member(name: name, type: type, byteOffset: location, bitField: nil)
        }
        let width = Self.bounded(bitSize)
        let declaredSize = try storageSize(die)
        let firstBit: Int
        if let dataBitOffset = session.unsigned(die, DW.Attribute.dataBitOffset) {
            firstBit = location * 8 + Self.bounded(dataBitOffset)
        } else if var oldOffset = session.attribute(die, DW.Attribute.bitOffset) {
            // DWARF 2/3: bits counted from the most significant bit of a unit of DW_AT_byte_size bytes.
            let unitSize = session.unsigned(die, DW.Attribute.byteSize).map(Self.bounded) ?? declaredSize
            let fromMostSignificant = Self.bounded(session.signed(&oldOffset) ?? 0)
            firstBit = location * 8 + unitSize * 8 - fromMostSignificant - width
        } else {
            firstBit = location * 8
        }
        let placement = Self.placeBitField(
            firstBit: max(0, firstBit), bitSize: width, declaredSize: declaredSize, aggregateSize: aggregateSize)
        return Member(
            name: name, type: type, byteOffset: placement.byteOffset,
            bitField: BitField(bitSize: width, bitOffset: placement.bitOffset, storageByteSize: placement.storage))
    }

    /// Chooses the storage unit for a bitfield whose first bit is `firstBit` bits from the start of
    /// the struct: the naturally aligned unit of the declared type's size when it holds the whole
    /// field and lies inside the struct; otherwise (packed structs) the smallest power-of-two unit
    /// starting at the byte that holds the first bit.
    static func placeBitField(
        firstBit: Int, bitSize: Int, declaredSize: Int, aggregateSize: Int?
    ) -> (byteOffset: Int, bitOffset: Int, storage: Int) {
        let unit = max(1, declaredSize)
        let alignedStart = (firstBit / (unit * 8)) * unit
        let alignedBit = firstBit - alignedStart * 8
        if alignedBit + bitSize <= unit * 8 && alignedStart + unit <= (aggregateSize ?? Int.max) {
            return (alignedStart, alignedBit, unit)
        }
        let byteStart = firstBit / 8
        let bit = firstBit % 8
        var storage = 1
        while storage * 8 < bit + bitSize && storage < 8 { storage *= 2 }
        return (byteStart, bit, storage)
    }

    /// `DW_AT_data_member_location` as a byte offset: a constant, or (DWARF 2/3) an expression
    /// `DW_OP_plus_uconst n`. Absent (as in unions) means 0.
    private func memberLocation(_ die: LibDW.DIE) throws -> Int {
        guard var attribute = session.attribute(die, DW.Attribute.dataMemberLocation) else { return 0 }
        if !DW.Form.blockForms.contains(session.form(&attribute)), let value = session.unsigned(&attribute) {
            return Self.bounded(value)
        }
        if let operations = session.locationExpression(&attribute), operations.count == 1,
            operations[0].atom == DW.Operation.plusUconst || operations[0].atom == DW.Operation.constu
        {
            return Self.bounded(operations[0].number)
        }
        throw DebugInfoError.dwarfError(
            path: session.path,
            operation: "reading the member location of the DIE at 0x\(hex(session.offset(die)))",
            message: "the location is not a constant offset")
    }

    /// The byte size of the member's declared type, following typedefs and qualifiers.
    private func storageSize(_ member: LibDW.DIE) throws -> Int {
        var current = try session.reference(member, DW.Attribute.type)
        var steps = 0
        while let die = current, steps < 64 {
            if let size = session.unsigned(die, DW.Attribute.byteSize) { return Self.bounded(size) }
            current = try session.reference(die, DW.Attribute.type)
            steps += 1
        }
        return 4
    }

    private func readEnumeration(_ die: LibDW.DIE) throws -> EnumType {
        let underlying = session.attribute(die, DW.Attribute.type) == nil ? nil : try typeReference(die)
        let underlyingIsSigned = try underlyingSignedness(die)
        var enumerators: [Enumerator] = []
        for child in try session.children(of: die) where session.tag(child) == DW.Tag.enumerator {
            guard let name = session.string(child, DW.Attribute.name),
                var value = session.attribute(child, DW.Attribute.constValue)
            else { continue }
            enumerators.append(Enumerator(name: name, value: constant(&value, signed: underlyingIsSigned)))
        }
        return EnumType(
            name: session.string(die, DW.Attribute.name),
            byteSize: session.unsigned(die, DW.Attribute.byteSize).map(Self.bounded),
            underlyingType: underlying,
            enumerators: enumerators)
    }

    /// Whether the enum's underlying type is signed; C enums without one (DWARF 2) are `int`.
    private func underlyingSignedness(_ die: LibDW.DIE) throws -> Bool {
        var current = try session.reference(die, DW.Attribute.type)
        var steps = 0
        while let type = current, steps < 64 {
            if session.tag(type) == DW.Tag.baseType {
                return encoding(session.unsigned(type, DW.Attribute.encoding)).isSigned
            }
            current = try session.reference(type, DW.Attribute.type)
            steps += 1
        }
        return true
    }

    /// An enumerator's value: `DW_FORM_sdata` is signed, `DW_FORM_udata` unsigned, and the
    /// fixed-size `DW_FORM_dataN` forms are sign-extended when the enum is signed.
    private func constant(_ attribute: inout LibDW.Attribute, signed: Bool) -> Int64 {
        let form = session.form(&attribute)
        if form == DW.Form.sdata || form == DW.Form.implicitConst {
            return session.signed(&attribute) ?? 0
        }
        let raw = session.unsigned(&attribute) ?? 0
        guard signed else { return Int64(bitPattern: raw) }
        switch form {
        case DW.Form.data1: return Int64(Int8(truncatingIfNeeded: raw))
        case DW.Form.data2: return Int64(Int16(truncatingIfNeeded: raw))
        case DW.Form.data4: return Int64(Int32(truncatingIfNeeded: raw))
        default: return Int64(bitPattern: raw)
        }
    }

    /// The key under which ``DWARFProgram/typeID(named:)`` finds the type, if it is named.
    private func lookupKey(for type: DWARFType) -> String? {
        switch type.kind {
        case .base(let base): return base.name
        case .typedef(let name, _): return name
        case .structure(let composite): return composite.name.map { "struct \($0)" }
        case .union(let composite): return composite.name.map { "union \($0)" }
        case .enumeration(let enumeration): return enumeration.name.map { "enum \($0)" }
        default: return nil
        }
    }

    // MARK: Functions and globals

    private func readFunction(_ die: LibDW.DIE, unitName: String?) throws -> DWARFFunction? {
        if session.flag(die, DW.Attribute.declaration) { return nil }
        let ranges = session.addressRanges(die)
        guard let firstRange = ranges.first, let name = session.string(die, DW.Attribute.name, integrate: true) else {
            return nil  // abstract (inline-only) instances and declarations have no code
        }
        let lowPC = session.lowPC(die) ?? ranges.map(\.lowerBound).min() ?? firstRange.lowerBound
        let highPC = session.highPC(die) ?? ranges.first(where: { $0.lowerBound == lowPC })?.upperBound ?? firstRange.upperBound
        let parameters = try parameterList(of: signatureDIE(die))
        return DWARFFunction(
            name: name, lowPC: lowPC, highPC: highPC, ranges: ranges,
            returnType: try typeReference(die, integrate: true),
            parameters: parameters.parameters, isVariadic: parameters.isVariadic,
            isExternal: session.flag(die, DW.Attribute.external, integrate: true),
            compilationUnit: unitName, dieOffset: session.offset(die))
    }

    /// The DIE that declares the function's parameters: an out-of-line instance of an inlined
    /// function lists them under its `DW_AT_abstract_origin`, which holds the full signature.
    private func signatureDIE(_ die: LibDW.DIE) throws -> LibDW.DIE {
        var current = die
        var steps = 0
        while steps < 8, let origin = try session.reference(current, DW.Attribute.abstractOrigin) {
            current = origin
            steps += 1
        }
        return current
    }

    private func parameterList(of die: LibDW.DIE) throws -> (parameters: [DWARFFunction.Parameter], isVariadic: Bool) {
        var parameters: [DWARFFunction.Parameter] = []
        var isVariadic = false
        for child in try session.children(of: die) {
            switch session.tag(child) {
            case DW.Tag.formalParameter:
                parameters.append(DWARFFunction.Parameter(
                    name: session.string(child, DW.Attribute.name, integrate: true),
                    type: try typeReference(child, integrate: true)))
            case DW.Tag.unspecifiedParameters:
                isVariadic = true
            default:
                continue
            }
        }
        return (parameters, isVariadic)
    }

    private func readGlobal(_ die: LibDW.DIE, unitName: String?) throws -> DWARFGlobal? {
        guard let address = session.staticAddress(die),
            let name = session.string(die, DW.Attribute.name, integrate: true)
        else { return nil }
        return DWARFGlobal(
            name: name, address: address, type: try typeReference(die, integrate: true),
            isExternal: session.flag(die, DW.Attribute.external, integrate: true), compilationUnit: unitName)
    }
}
