#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, before libdw sees a file, that it is a well-formed 64-bit little-endian AArch64 ELF
/// file, so that a wrong or damaged file gets an error that says which and why.
enum ELFIdentity {
    static let headerSize = 64
    static let machineAArch64: UInt16 = 183

    /// Throws ``DebugInfoError`` unless `path` is a readable AArch64 ELF64 little-endian file whose
    /// section header table lies inside the file.
    static func validateAArch64(path: String) throws {
        let fileSize = try self.fileSize(path: path)
        let bytes = try readPrefix(path: path, count: headerSize)
        guard bytes.count == headerSize else {
            throw DebugInfoError.malformedELF(
                path: path, reason: "the file is \(bytes.count) bytes, shorter than an ELF header")
        }
        guard bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw DebugInfoError.malformedELF(path: path, reason: "the ELF magic number \\x7fELF is missing")
        }
        guard bytes[4] == 2 else {
            throw DebugInfoError.notAArch64(path: path, reason: "ELF class \(bytes[4]) is not ELFCLASS64")
        }
        guard bytes[5] == 1 else {
            throw DebugInfoError.notAArch64(
                path: path, reason: "data encoding \(bytes[5]) is not ELFDATA2LSB (little-endian)")
        }
        let machine = UInt16(bytes[18]) | UInt16(bytes[19]) << 8
        guard machine == machineAArch64 else {
            throw DebugInfoError.notAArch64(
                path: path, reason: "e_machine is \(machine) (\(machineName(machine))), not 183 (AArch64)")
        }
        let sectionTableOffset = littleEndian(bytes, at: 0x28, width: 8)
        let sectionEntrySize = littleEndian(bytes, at: 0x3a, width: 2)
        let sectionCount = littleEndian(bytes, at: 0x3c, width: 2)
        guard sectionCount == 0 || sectionEntrySize == 64 else {
            throw DebugInfoError.malformedELF(
                path: path, reason: "section header entries are \(sectionEntrySize) bytes, not 64")
        }
        let (tableSize, overflow1) = sectionEntrySize.multipliedReportingOverflow(by: sectionCount)
        let (tableEnd, overflow2) = sectionTableOffset.addingReportingOverflow(tableSize)
        guard !overflow1, !overflow2, tableEnd <= fileSize else {
            throw DebugInfoError.malformedELF(
                path: path,
                reason: "the section header table (\(sectionCount) entries at offset \(sectionTableOffset)) "
                    + "runs past the end of the \(fileSize)-byte file")
        }
    }

    private static func littleEndian(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
        (0..<width).reduce(UInt64(0)) { value, index in value | UInt64(bytes[offset + index]) << (8 * index) }
    }

    private static func machineName(_ machine: UInt16) -> String {
        switch machine {
        case 3: return "i386"
        case 40: return "ARM"
        case 62: return "x86-64"
        case 243: return "RISC-V"
        default: return "unknown machine"
        }
    }

    private static func readPrefix(path: String, count: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DebugInfoError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + filled, count - filled, off_t(filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw DebugInfoError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if result == 0 { break }
            filled += result
        }
        return Array(buffer.prefix(filled))
    }

    private static func fileSize(path: String) throws -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DebugInfoError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DebugInfoError.cannotOpen(path: path, reason: "not a regular file")
        }
        return UInt64(info.st_size)
    }
}
