#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open libdw `Dwarf` handle over one ELF file, with typed accessors for DIEs and attributes.
///
/// libdw handles are not thread-safe, so a session belongs to the one loader that opened it and
/// is closed when that loader is done; nothing it returns points into libdw afterwards.
final class DwarfSession {
    let libdw: LibDW
    let path: String
    private let handle: OpaquePointer
    private let descriptor: Int32

    /// `DWARF_C_READ` from `libdw.h`.
    private static let readCommand: Int32 = 0

    init(path: String, libdw: LibDW) throws {
        self.libdw = libdw
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DebugInfoError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard let handle = libdw.dwarf_begin(descriptor, Self.readCommand) else {
            let message = libdw.lastDwarfError()
            close(descriptor)
            if message.lowercased().contains("no dwarf") {
                throw DebugInfoError.noDebugInfo(path: path)
            }
            throw DebugInfoError.dwarfError(path: path, operation: "opening the DWARF data", message: message)
        }
        self.handle = handle
    }

    deinit {
        _ = libdw.dwarf_end(handle)
        close(descriptor)
    }

    // MARK: Traversal

    /// The root DIE of every unit (compile, partial and type units) in `.debug_info`.
    func unitRoots() throws -> [LibDW.DIE] {
        var roots: [LibDW.DIE] = []
        var unit: OpaquePointer? = nil
        while true {
            var next: OpaquePointer? = nil
            var root = LibDW.DIE()
            let result = withUnsafeMutableBytes(of: &root.storage) { rootBytes in
                libdw.dwarf_get_units(handle, unit, &next, nil, nil, rootBytes.baseAddress, nil)
            }
            if result == 1 { break }
            guard result == 0 else {
                throw DebugInfoError.dwarfError(
                    path: path, operation: "listing the compilation units", message: libdw.lastDwarfError())
            }
            roots.append(root)
            unit = next
        }
        if roots.isEmpty { throw DebugInfoError.noDebugInfo(path: path) }
        return roots
    }

    /// The direct children of `die`, in order.
    func children(of die: LibDW.DIE) throws -> [LibDW.DIE] {
        var result: [LibDW.DIE] = []
        var child = LibDW.DIE()
        var status = call(die, &child) { libdw.dwarf_child($0, $1) }
        while status == 0 {
            result.append(child)
            let current = child
            status = call(current, &child) { libdw.dwarf_siblingof($0, $1) }
        }
        guard status == 1 else {
            throw DebugInfoError.dwarfError(
                path: path, operation: "reading the children of the DIE at 0x\(hex(offset(die)))",
                message: libdw.lastDwarfError())
        }
        return result
    }

    /// The DIE's tag (`DW_TAG_*`).
    func tag(_ die: LibDW.DIE) -> UInt32 {
        UInt32(truncatingIfNeeded: withDIE(die) { libdw.dwarf_tag($0) })
    }

    /// The DIE's offset in `.debug_info`.
    func offset(_ die: LibDW.DIE) -> UInt64 {
        withDIE(die) { libdw.dwarf_dieoffset($0) }
    }

    // MARK: Attributes

    /// The attribute `name` of `die`; with `integrate`, also looked for through
    /// `DW_AT_abstract_origin` and `DW_AT_specification`.
    func attribute(_ die: LibDW.DIE, _ name: UInt32, integrate: Bool = false) -> LibDW.Attribute? {
        var attribute = LibDW.Attribute()
        let found = withDIE(die) { diePointer in
            withUnsafeMutableBytes(of: &attribute.storage) { attributeBytes in
                integrate
                    ? libdw.dwarf_attr_integrate(diePointer, name, attributeBytes.baseAddress)
                    : libdw.dwarf_attr(diePointer, name, attributeBytes.baseAddress)
            }
        }
        return found == nil ? nil : attribute
    }

    func hasAttribute(_ die: LibDW.DIE, _ name: UInt32) -> Bool {
        withDIE(die) { libdw.dwarf_hasattr($0, name) } != 0
    }

    func string(_ die: LibDW.DIE, _ name: UInt32, integrate: Bool = false) -> String? {
        guard var attribute = attribute(die, name, integrate: integrate) else { return nil }
        return withAttribute(&attribute) { libdw.dwarf_formstring($0) }.map { String(cString: $0) }
    }

    func unsigned(_ die: LibDW.DIE, _ name: UInt32, integrate: Bool = false) -> UInt64? {
        guard var attribute = attribute(die, name, integrate: integrate) else { return nil }
        return unsigned(&attribute)
    }

    func unsigned(_ attribute: inout LibDW.Attribute) -> UInt64? {
        var value: UInt64 = 0
        return withAttribute(&attribute) { libdw.dwarf_formudata($0, &value) } == 0 ? value : nil
    }

    func signed(_ attribute: inout LibDW.Attribute) -> Int64? {
        var value: Int64 = 0
        return withAttribute(&attribute) { libdw.dwarf_formsdata($0, &value) } == 0 ? value : nil
    }

    func flag(_ die: LibDW.DIE, _ name: UInt32, integrate: Bool = false) -> Bool {
        guard var attribute = attribute(die, name, integrate: integrate) else { return false }
        var value = false
        return withAttribute(&attribute) { libdw.dwarf_formflag($0, &value) } == 0 && value
    }

    func form(_ attribute: inout LibDW.Attribute) -> UInt32 {
        withAttribute(&attribute) { libdw.dwarf_whatform($0) }
    }

    /// The DIE that attribute `name` refers to (e.g. `DW_AT_type`), or `nil` when absent.
    func reference(_ die: LibDW.DIE, _ name: UInt32, integrate: Bool = false) throws -> LibDW.DIE? {
        guard var attribute = attribute(die, name, integrate: integrate) else { return nil }
        var target = LibDW.DIE()
        let found = withAttribute(&attribute) { attributePointer in
            withUnsafeMutableBytes(of: &target.storage) { libdw.dwarf_formref_die(attributePointer, $0.baseAddress) }
        }
        guard found != nil else {
            throw DebugInfoError.dwarfError(
                path: path, operation: "following attribute 0x\(hex(UInt64(name))) of the DIE at 0x\(hex(offset(die)))",
                message: libdw.lastDwarfError())
        }
        return target
    }

    /// The size in bytes of an address in the DIE's unit.
    func addressSize(_ die: LibDW.DIE) -> Int {
        var unitRoot = LibDW.DIE()
        var size: UInt8 = 0
        let found = withDIE(die) { diePointer in
            withUnsafeMutableBytes(of: &unitRoot.storage) { libdw.dwarf_diecu(diePointer, $0.baseAddress, &size, nil) }
        }
        return found == nil || size == 0 ? 8 : Int(size)
    }

    // MARK: Addresses

    /// The address ranges covered by the DIE's code: `DW_AT_low_pc`/`DW_AT_high_pc` or `DW_AT_ranges`.
    func addressRanges(_ die: LibDW.DIE) -> [Range<UInt64>] {
        var ranges: [Range<UInt64>] = []
        var base: UInt64 = 0
        var start: UInt64 = 0
        var end: UInt64 = 0
        var cursor = withDIE(die) { libdw.dwarf_ranges($0, 0, &base, &start, &end) }
        while cursor > 0 {
            if start < end { ranges.append(start..<end) }
            let position = cursor
            cursor = withDIE(die) { libdw.dwarf_ranges($0, position, &base, &start, &end) }
        }
        return ranges
    }

    /// `DW_AT_low_pc` of the DIE, when present.
    func lowPC(_ die: LibDW.DIE) -> UInt64? {
        var address: UInt64 = 0
        return withDIE(die) { libdw.dwarf_lowpc($0, &address) } == 0 ? address : nil
    }

    /// `DW_AT_high_pc` of the DIE resolved to an address, when present.
    func highPC(_ die: LibDW.DIE) -> UInt64? {
        var address: UInt64 = 0
        return withDIE(die) { libdw.dwarf_highpc($0, &address) } == 0 ? address : nil
    }

    /// The operations of a single location expression (not a location list), or `nil`.
    func locationExpression(_ attribute: inout LibDW.Attribute) -> [LibDW.Operation]? {
        var operations: UnsafeMutableRawPointer? = nil
        var count = 0
        let status = withAttribute(&attribute) { libdw.dwarf_getlocation($0, &operations, &count) }
        guard status == 0, let operations else { return nil }
        return (0..<count).map { operations.load(fromByteOffset: $0 * 32, as: LibDW.Operation.self) }
    }

    /// The fixed address named by a `DW_AT_location` of the form `DW_OP_addr A` or
    /// `DW_OP_addrx i` (optionally followed by `DW_OP_plus_uconst k`), or `nil` for any other location.
    func staticAddress(_ die: LibDW.DIE) -> UInt64? {
        guard var attribute = attribute(die, DW.Attribute.location),
            let operations = locationExpression(&attribute), let first = operations.first,
            operations.count <= 2
        else { return nil }
        var address: UInt64
        switch first.atom {
        case DW.Operation.addr:
            address = first.number
        case DW.Operation.addrx, DW.Operation.gnuAddrIndex:
            guard let resolved = indexedAddress(&attribute, operation: first) else { return nil }
            address = resolved
        default:
            return nil
        }
        if operations.count == 2 {
            guard operations[1].atom == DW.Operation.plusUconst else { return nil }
            address &+= operations[1].number
        }
        return address
    }

    /// Resolves a `DW_OP_addrx` operand through `.debug_addr`.
    private func indexedAddress(_ attribute: inout LibDW.Attribute, operation: LibDW.Operation) -> UInt64? {
        var operation = operation
        var result = LibDW.Attribute()
        var address: UInt64 = 0
        let status = withAttribute(&attribute) { attributePointer in
            withUnsafeBytes(of: &operation.storage) { operationBytes in
                withUnsafeMutableBytes(of: &result.storage) {
                    libdw.dwarf_getlocation_attr(attributePointer, operationBytes.baseAddress, $0.baseAddress)
                }
            }
        }
        guard status == 0 else { return nil }
        return withAttribute(&result) { libdw.dwarf_formaddr($0, &address) } == 0 ? address : nil
    }

    // MARK: Pointer plumbing

    private func withDIE<Result>(_ die: LibDW.DIE, _ body: (UnsafeMutableRawPointer?) -> Result) -> Result {
        var copy = die
        return withUnsafeMutableBytes(of: &copy.storage) { body($0.baseAddress) }
    }

    private func withAttribute<Result>(
        _ attribute: inout LibDW.Attribute, _ body: (UnsafeMutableRawPointer?) -> Result
    ) -> Result {
        withUnsafeMutableBytes(of: &attribute.storage) { body($0.baseAddress) }
    }

    private func call(
        _ die: LibDW.DIE, _ result: inout LibDW.DIE,
        _ body: (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
    ) -> Int32 {
        var source = die
        return withUnsafeMutableBytes(of: &source.storage) { sourceBytes in
            withUnsafeMutableBytes(of: &result.storage) { body(sourceBytes.baseAddress, $0.baseAddress) }
        }
    }
}

/// Lower-case hexadecimal without a prefix.
func hex(_ value: UInt64) -> String {
    String(value, radix: 16)
}
