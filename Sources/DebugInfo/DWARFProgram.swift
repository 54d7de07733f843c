/// The DWARF debugging information of one AArch64 ELF file, read once into Swift values.
///
/// Loading walks every unit with libdw and then closes it: the result holds no libdw handle,
/// so it is an ordinary immutable `Sendable` value that any number of threads may query.
///
/// ```swift
/// let program = try DWARFProgram(elfPath: "guest.elf")
/// let function = try program.function(named: "workload_ten_args")
/// let packet = try program.typeID(named: "struct packet")
/// let field = try program.member(named: "deep_value", in: packet)   // through anonymous members
/// ```
public struct DWARFProgram: Sendable {
    /// The ELF file the information was read from.
    public let path: String
    /// Every function with code, sorted by entry address.
    public let functions: [DWARFFunction]
    /// Every file-scope variable with a static address, sorted by address.
    public let globals: [DWARFGlobal]

    let types: [TypeID: DWARFType]
    let functionIndicesByName: [String: [Int]]
    let globalIndicesByName: [String: [Int]]
    /// Named types by lookup key: `struct x`, `union x`, `enum x`, typedef and base type names.
    let typeIDsByName: [String: [TypeID]]
    /// `(range, index into functions)` for every range of every function, sorted by range start.
    let functionRanges: [(range: Range<UInt64>, function: Int)]
    /// `rangeEndPrefixMaximum[i]` is the highest range end among `functionRanges[0...i]`.
    let rangeEndPrefixMaximum: [UInt64]

    /// Reads the DWARF of the ELF file at `elfPath`.
    ///
    /// - Parameter libdw: the libdw to use; by default ``LibDW/shared()``.
    /// - Throws: ``DebugInfoError``: `.libdwUnavailable` when libdw cannot be loaded,
    ///   `.cannotOpen`, `.malformedELF` or `.notAArch64` for a wrong file, `.noDebugInfo` when
    ///   it has no DWARF, `.dwarfError` when libdw rejects the DWARF.
    public init(elfPath: String, libdw: LibDW? = nil) throws {
        let library = try libdw ?? LibDW.shared()
        try ELFIdentity.validateAArch64(path: elfPath)
        let contents = try LibDW.handleCreationLock.withLock {
            try DWARFLoader(session: DwarfSession(path: elfPath, libdw: library)).load()
        }
        self.init(path: elfPath, contents: contents)
    }

    init(path: String, contents: DWARFLoader.Contents) {
        let functions = contents.functions.sorted { ($0.lowPC, $0.name) < ($1.lowPC, $1.name) }
        let globals = contents.globals.sorted { ($0.address, $0.name) < ($1.address, $1.name) }
        let functionRanges = functions.indices
            .flatMap { index in functions[index].ranges.map { (range: $0, function: index) } }
            .sorted { $0.range.lowerBound < $1.range.lowerBound }
        var highestEnd: UInt64 = 0
        self.path = path
        self.functions = functions
        self.globals = globals
        self.types = contents.types
        self.functionIndicesByName = Dictionary(grouping: functions.indices, by: { functions[$0].name })
        self.globalIndicesByName = Dictionary(grouping: globals.indices, by: { globals[$0].name })
        self.typeIDsByName = contents.typeIDsByName.mapValues { $0.sorted() }
        self.functionRanges = functionRanges
        self.rangeEndPrefixMaximum = functionRanges.map { entry in
            highestEnd = max(highestEnd, entry.range.upperBound)
            return highestEnd
        }
    }

    // MARK: Functions

    /// The function named `name`; when several static functions share the name, the one at the
    /// lowest address. Throws ``DebugInfoError/functionNotFound(name:path:)``.
    public func function(named name: String) throws -> DWARFFunction {
        guard let index = functionIndicesByName[name]?.first else {
            throw DebugInfoError.functionNotFound(name: name, path: path)
        }
        return functions[index]
    }

    /// Every function named `name` (several when static functions in different files share it).
    public func functions(named name: String) -> [DWARFFunction] {
        (functionIndicesByName[name] ?? []).map { functions[$0] }
    }

    /// The function whose code covers `address`. Throws ``DebugInfoError/noFunctionAtAddress(address:path:)``.
    public func function(containing address: UInt64) throws -> DWARFFunction {
        // The last range starting at or below the address; ranges of different functions do not overlap.
        var low = 0
        var high = functionRanges.count
        while low < high {
            let middle = (low + high) / 2
            if functionRanges[middle].range.lowerBound <= address { low = middle + 1 } else { high = middle }
        }
        var candidate = low - 1
        // Walk back only while some earlier range still reaches past the address.
        while candidate >= 0, rangeEndPrefixMaximum[candidate] > address {
            let entry = functionRanges[candidate]
            if entry.range.contains(address) { return functions[entry.function] }
            candidate -= 1
        }
        throw DebugInfoError.noFunctionAtAddress(address: address, path: path)
    }

    // MARK: Globals

    /// The global variable named `name` (the first by address if static variables share it).
    /// Throws ``DebugInfoError/globalNotFound(name:path:)``.
    public func global(named name: String) throws -> DWARFGlobal {
        guard let index = globalIndicesByName[name]?.first else {
            throw DebugInfoError.globalNotFound(name: name, path: path)
        }
        return globals[index]
    }

    // MARK: Types

    /// The type with this ID. An ID this program does not know (from another program) resolves
    /// to `.unsupported(tag: 0, name: nil)`.
    public func type(_ id: TypeID) -> DWARFType {
        types[id] ?? DWARFType(id: id, kind: .unsupported(tag: 0, name: nil))
    }

    /// Every type in the program, in `.debug_info` order (``TypeID/void`` first).
    public var allTypes: [DWARFType] {
        types.values.sorted { $0.id == .void ? true : $1.id == .void ? false : $0.id < $1.id }
    }

    /// The ID of a named type: `struct packet`, `union u`, `enum color`, a typedef name such as
    /// `packet_t`, or a base type name such as `unsigned int`. A bare tag name (`packet`) is also
    /// tried as `struct`, `union` and `enum`. Complete definitions are preferred to declarations.
    /// Throws ``DebugInfoError/typeNotFound(name:path:)``.
    public func typeID(named name: String) throws -> TypeID {
        let trimmed = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let keys = [trimmed, "struct \(trimmed)", "union \(trimmed)", "enum \(trimmed)"]
        for key in keys {
            guard let candidates = typeIDsByName[key], !candidates.isEmpty else { continue }
            return candidates.first(where: { !isDeclaration($0) }) ?? candidates[0]
        }
        throw DebugInfoError.typeNotFound(name: name, path: path)
    }

    /// The size in bytes of a value of the type, or `nil` when unknown (void, functions,
    /// incomplete types, arrays of unknown length).
    public func byteSize(of id: TypeID) -> Int? {
        byteSize(of: id, depth: 0)
    }

    private func byteSize(of id: TypeID, depth: Int) -> Int? {
        guard depth < 64 else { return nil }  // only damaged DWARF nests (or loops) this deep
        switch type(id).kind {
        case .void, .function, .unsupported: return nil
        case .base(let base): return base.byteSize
        case .pointer(_, let size): return size
        case .array(let array):
            guard let elementSize = byteSize(of: array.element, depth: depth + 1) else { return nil }
            return array.dimensions.reduce(Optional(elementSize)) { total, count in
                guard let total, let count else { return nil }
                let (product, overflow) = total.multipliedReportingOverflow(by: count)
                return overflow ? nil : product
            }
        case .structure(let composite), .union(let composite):
            return composite.byteSize ?? completeDefinition(of: id).flatMap { aggregate(of: $0)?.byteSize }
        case .enumeration(let enumeration): return enumeration.byteSize
        case .typedef(_, let target), .qualified(_, let target): return byteSize(of: target, depth: depth + 1)
        }
    }

    /// The type without its outer `const`, `volatile`, `restrict` and `_Atomic` qualifiers
    /// (typedefs are kept).
    public func strippingQualifiers(_ id: TypeID) -> TypeID {
        var current = id
        var seen: Set<TypeID> = []
        while case .qualified(_, let target) = type(current).kind, seen.insert(current).inserted {
            current = target
        }
        return current
    }

    /// The type with every outer qualifier and typedef removed: the type a value really has.
    public func resolvingTypedefs(_ id: TypeID) -> TypeID {
        var current = id
        var seen: Set<TypeID> = []
        while seen.insert(current).inserted {
            switch type(current).kind {
            case .qualified(_, let target), .typedef(_, let target): current = target
            default: return current
            }
        }
        return current
    }

    /// The qualifiers applied to the type, outermost first, looking through typedefs.
    public func qualifiers(of id: TypeID) -> [Qualifier] {
        var result: [Qualifier] = []
        var current = id
        var seen: Set<TypeID> = []
        while seen.insert(current).inserted {
            switch type(current).kind {
            case .qualified(let qualifier, let target):
                result.append(qualifier)
                current = target
            case .typedef(_, let target):
                current = target
            default:
                return result
            }
        }
        return result
    }

    // MARK: Helpers shared by the extensions

    func isDeclaration(_ id: TypeID) -> Bool {
        switch type(id).kind {
        case .structure(let composite), .union(let composite): return composite.isDeclaration
        case .enumeration(let enumeration): return enumeration.byteSize == nil
        default: return false
        }
    }

    /// For a declared-only `struct x` / `union x`, the ID of its definition elsewhere in the file.
    func completeDefinition(of id: TypeID) -> TypeID? {
        let key: String
        switch type(id).kind {
        case .structure(let composite) where composite.isDeclaration:
            guard let name = composite.name else { return nil }
            key = "struct \(name)"
        case .union(let composite) where composite.isDeclaration:
            guard let name = composite.name else { return nil }
            key = "union \(name)"
        default:
            return id
        }
        return typeIDsByName[key]?.first(where: { !isDeclaration($0) })
    }

    /// The struct or union description of the type, when it is one (not looking through typedefs).
    func aggregate(of id: TypeID) -> CompositeType? {
        switch type(id).kind {
        case .structure(let composite), .union(let composite): return composite
        default: return nil
        }
    }
}
