/// Everything that can go wrong while reading DWARF or unwinding a stack, each case naming what and where.
public enum DebugInfoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libdw could not be loaded, or lacks a function this module needs. Callers report "unavailable".
    case libdwUnavailable(reason: String)
    /// The file could not be opened or read.
    case cannotOpen(path: String, reason: String)
    /// The file is not a well-formed ELF file.
    case malformedELF(path: String, reason: String)
    /// The file is a well-formed ELF file, but not a 64-bit little-endian AArch64 one.
    case notAArch64(path: String, reason: String)
    /// The ELF file carries no DWARF debugging information.
    case noDebugInfo(path: String)
    /// libdw rejected the DWARF data; `operation` says what was being done.
    case dwarfError(path: String, operation: String, message: String)
    /// No function of that name has a definition in the file.
    case functionNotFound(name: String, path: String)
    /// No function's code covers that address.
    case noFunctionAtAddress(address: UInt64, path: String)
    /// No global variable of that name exists in the file.
    case globalNotFound(name: String, path: String)
    /// No named type (struct, union, enum, typedef or base type) of that name exists in the file.
    case typeNotFound(name: String, path: String)
    /// The member does not exist in the struct or union, not even inside its anonymous members.
    case memberNotFound(member: String, typeName: String, path: String)
    /// A member was looked up in a type that is not a struct or union (after typedefs and qualifiers).
    case notAnAggregate(member: String, typeName: String, path: String)
    /// The unwinder could not be set up; `step` names the libdwfl call that failed.
    case unwinderSetupFailed(path: String, step: String, message: String)

    public var description: String {
        switch self {
        case .libdwUnavailable(let reason):
            return "libdw is unavailable: \(reason)"
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .malformedELF(let path, let reason):
            return "\(path) is not a valid ELF file: \(reason)"
        case .notAArch64(let path, let reason):
            return "\(path) is not a 64-bit little-endian AArch64 ELF file: \(reason)"
        case .noDebugInfo(let path):
            return "\(path) has no DWARF debugging information (was it built with -g, or stripped?)"
        case .dwarfError(let path, let operation, let message):
            return "libdw failed while \(operation) in \(path): \(message)"
        case .functionNotFound(let name, let path):
            return "no function named '\(name)' is defined in \(path)"
        case .noFunctionAtAddress(let address, let path):
            return "no function in \(path) covers address 0x\(String(address, radix: 16))"
        case .globalNotFound(let name, let path):
            return "no global variable named '\(name)' in \(path)"
        case .typeNotFound(let name, let path):
            return "no type named '\(name)' in \(path)"
        case .memberNotFound(let member, let typeName, let path):
            return "'\(typeName)' has no member '\(member)' (anonymous members searched too) in \(path)"
        case .notAnAggregate(let member, let typeName, let path):
            return "cannot look up member '\(member)' in '\(typeName)': it is not a struct or union (in \(path))"
        case .unwinderSetupFailed(let path, let step, let message):
            return "cannot set up the unwinder for \(path): \(step) failed: \(message)"
        }
    }
}
