#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libdw (elfutils) functions this module uses, resolved from the shared library at run time.
///
/// libdw's headers are not needed to build: the library is opened with `dlopen` and each function
/// is looked up with `dlsym` and cast to the `@convention(c)` type that mirrors its prototype in
/// elfutils 0.188's `libdw.h` / `libdwfl.h`. Opaque handles (`Dwarf *`, `Dwfl *`, …) are
/// `OpaquePointer`s; pointers to the small structs the caller allocates (`Dwarf_Die`,
/// `Dwarf_Attribute`, …) are raw pointers to the buffers described in `LibDW+CLayouts.swift`.
///
/// A `LibDW` value is immutable and holds only C function pointers, so it is `Sendable`; the
/// library handle is never closed. Use ``shared()`` to get the process-wide instance, loaded once.
public struct LibDW: Sendable {
    /// The soname loaded by ``shared()``.
    public static let defaultLibraryName = "libdw.so.1"

    /// The library name or path this table was loaded from.
    public let libraryName: String

    // MARK: libdw (DWARF reading)

    typealias DwarfBegin = @convention(c) (Int32, Int32) -> OpaquePointer?
    typealias DwarfEnd = @convention(c) (OpaquePointer?) -> Int32
    typealias DwarfErrno = @convention(c) () -> Int32
    typealias DwarfErrmsg = @convention(c) (Int32) -> UnsafePointer<CChar>?
    typealias DwarfGetUnits = @convention(c) (
        OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?,
        UnsafeMutablePointer<UInt16>?, UnsafeMutablePointer<UInt8>?,
        UnsafeMutableRawPointer?, UnsafeMutableRawPointer?
    ) -> Int32
    typealias DwarfDieToDie = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
    typealias DwarfTag = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias DwarfDieOffset = @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    typealias DwarfAttr = @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeMutableRawPointer?)
        -> UnsafeMutableRawPointer?
    typealias DwarfHasAttr = @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Int32
    typealias DwarfFormString = @convention(c) (UnsafeMutableRawPointer?) -> UnsafePointer<CChar>?
    typealias DwarfFormUData = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt64>?) -> Int32
    typealias DwarfFormSData = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int64>?) -> Int32
    typealias DwarfFormRefDie = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?)
        -> UnsafeMutableRawPointer?
    typealias DwarfFormFlag = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Bool>?) -> Int32
    typealias DwarfWhatForm = @convention(c) (UnsafeMutableRawPointer?) -> UInt32
    typealias DwarfDieAddress = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt64>?) -> Int32
    typealias DwarfRanges = @convention(c) (
        UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<UInt64>?,
        UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?
    ) -> Int
    typealias DwarfGetLocation = @convention(c) (
        UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<Int>?
    ) -> Int32
    typealias DwarfGetLocationAttr = @convention(c) (
        UnsafeMutableRawPointer?, UnsafeRawPointer?, UnsafeMutableRawPointer?
    ) -> Int32
    typealias DwarfDieCU = @convention(c) (
        UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?
    ) -> UnsafeMutableRawPointer?

    let dwarf_begin: DwarfBegin
    let dwarf_end: DwarfEnd
    let dwarf_errno: DwarfErrno
    let dwarf_errmsg: DwarfErrmsg
    let dwarf_get_units: DwarfGetUnits
    let dwarf_child: DwarfDieToDie
    let dwarf_siblingof: DwarfDieToDie
    let dwarf_tag: DwarfTag
    let dwarf_dieoffset: DwarfDieOffset
    let dwarf_attr: DwarfAttr
    let dwarf_attr_integrate: DwarfAttr
    let dwarf_hasattr: DwarfHasAttr
    let dwarf_formstring: DwarfFormString
    let dwarf_formudata: DwarfFormUData
    let dwarf_formsdata: DwarfFormSData
    let dwarf_formref_die: DwarfFormRefDie
    let dwarf_formflag: DwarfFormFlag
    let dwarf_formaddr: DwarfDieAddress
    let dwarf_whatform: DwarfWhatForm
    let dwarf_lowpc: DwarfDieAddress
    let dwarf_highpc: DwarfDieAddress
    let dwarf_ranges: DwarfRanges
    let dwarf_getlocation: DwarfGetLocation
    let dwarf_getlocation_attr: DwarfGetLocationAttr
    let dwarf_diecu: DwarfDieCU

    // MARK: libdwfl (unwinding)

    typealias DwflBegin = @convention(c) (UnsafeRawPointer?) -> OpaquePointer?
    typealias DwflEnd = @convention(c) (OpaquePointer?) -> Void
    typealias DwflErrno = @convention(c) () -> Int32
    typealias DwflErrmsg = @convention(c) (Int32) -> UnsafePointer<CChar>?
    typealias DwflReportBegin = @convention(c) (OpaquePointer?) -> Void
    typealias DwflReportElf = @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32, UInt64, Bool
    ) -> OpaquePointer?
    typealias DwflReportEnd = @convention(c) (OpaquePointer?, UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32
    typealias DwflAttachState = @convention(c) (
        OpaquePointer?, OpaquePointer?, Int32, UnsafeRawPointer?, UnsafeMutableRawPointer?
    ) -> Bool
    typealias DwflThreadStateRegisters = @convention(c) (
        OpaquePointer?, Int32, UInt32, UnsafePointer<UInt64>?
    ) -> Bool
    typealias DwflThreadStateRegisterPC = @convention(c) (OpaquePointer?, UInt64) -> Void
    typealias DwflFrameCallback = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
    typealias DwflGetThreadFrames = @convention(c) (
        OpaquePointer?, Int32, DwflFrameCallback?, UnsafeMutableRawPointer?
    ) -> Int32
    typealias DwflFramePC = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<Bool>?
    ) -> Bool
    typealias DwflAddrModule = @convention(c) (OpaquePointer?, UInt64) -> OpaquePointer?
    typealias DwflModuleAddrInfo = @convention(c) (
        OpaquePointer?, UInt64, UnsafeMutablePointer<UInt64>?, UnsafeMutableRawPointer?,
        UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<OpaquePointer?>?, UnsafeMutablePointer<UInt64>?
    ) -> UnsafePointer<CChar>?
    typealias DwflModuleInfo = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutableRawPointer?>?>?,
        UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?,
        UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?,
        UnsafeMutablePointer<UnsafePointer<CChar>?>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?
    ) -> UnsafePointer<CChar>?

    let dwfl_begin: DwflBegin
    let dwfl_end: DwflEnd
    let dwfl_errno: DwflErrno
    let dwfl_errmsg: DwflErrmsg
    let dwfl_report_begin: DwflReportBegin
    let dwfl_report_elf: DwflReportElf
    let dwfl_report_end: DwflReportEnd
    let dwfl_attach_state: DwflAttachState
    let dwfl_thread_state_registers: DwflThreadStateRegisters
    let dwfl_thread_state_register_pc: DwflThreadStateRegisterPC
    let dwfl_getthread_frames: DwflGetThreadFrames
    let dwfl_frame_pc: DwflFramePC
    let dwfl_addrmodule: DwflAddrModule
    let dwfl_module_addrinfo: DwflModuleAddrInfo
    let dwfl_module_info: DwflModuleInfo

    typealias DwflModuleCFI = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt64>?) -> OpaquePointer?
    typealias DwarfCFIAddrFrame = @convention(c) (
        OpaquePointer?, UInt64, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int32

    let dwfl_module_eh_cfi: DwflModuleCFI
    let dwfl_module_dwarf_cfi: DwflModuleCFI
    let dwarf_cfi_addrframe: DwarfCFIAddrFrame

    /// Opens `libraryName` with `dlopen` and resolves every function; throws
    /// ``DebugInfoError/libdwUnavailable(reason:)`` naming the library or the first missing symbol.
    ///
    /// Each call opens the library again (dlopen reference-counts); prefer ``shared()``.
    public static func load(libraryName: String) throws -> LibDW {
        guard let handle = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL) else {
            let detail = dlerror().map { String(cString: $0) } ?? "dlopen returned NULL"
            throw DebugInfoError.libdwUnavailable(reason: "cannot load \(libraryName): \(detail)")
        }
        let resolver = SymbolResolver(handle: handle, libraryName: libraryName)
        return try LibDW(libraryName: libraryName, resolver: resolver)
    }

    /// The environment variable that, when set, names the library ``shared()`` loads instead of
    /// ``defaultLibraryName`` (another elfutils build, or a bogus name to check the "unavailable" paths).
    public static let libraryOverrideVariable = "PROBEBENCH_LIBDW"

    /// The process-wide libdw, loaded on first use (from ``defaultLibraryName``, or the library
    /// named by ``libraryOverrideVariable``) and never again.
    ///
    /// Throws the same ``DebugInfoError/libdwUnavailable(reason:)`` on every call when loading failed.
    public static func shared() throws -> LibDW {
        try sharedLoadResult.get()
    }

    private static let sharedLoadResult: Result<LibDW, DebugInfoError> = {
        let override = getenv(libraryOverrideVariable).map { String(cString: $0) }
        do {
            return .success(try LibDW.load(libraryName: override.flatMap { $0.isEmpty ? nil : $0 } ?? defaultLibraryName))
        } catch let error as DebugInfoError {
            return .failure(error)
        } catch {
            return .failure(.libdwUnavailable(reason: "\(error)"))
        }
    }()

    private init(libraryName: String, resolver: SymbolResolver) throws {
        self.libraryName = libraryName
        dwarf_begin = try resolver.function("dwarf_begin")
        dwarf_end = try resolver.function("dwarf_end")
        dwarf_errno = try resolver.function("dwarf_errno")
        dwarf_errmsg = try resolver.function("dwarf_errmsg")
        dwarf_get_units = try resolver.function("dwarf_get_units")
        dwarf_child = try resolver.function("dwarf_child")
        dwarf_siblingof = try resolver.function("dwarf_siblingof")
        dwarf_tag = try resolver.function("dwarf_tag")
        dwarf_dieoffset = try resolver.function("dwarf_dieoffset")
        dwarf_attr = try resolver.function("dwarf_attr")
        dwarf_attr_integrate = try resolver.function("dwarf_attr_integrate")
        dwarf_hasattr = try resolver.function("dwarf_hasattr")
        dwarf_formstring = try resolver.function("dwarf_formstring")
        dwarf_formudata = try resolver.function("dwarf_formudata")
        dwarf_formsdata = try resolver.function("dwarf_formsdata")
        dwarf_formref_die = try resolver.function("dwarf_formref_die")
        dwarf_formflag = try resolver.function("dwarf_formflag")
        dwarf_formaddr = try resolver.function("dwarf_formaddr")
        dwarf_whatform = try resolver.function("dwarf_whatform")
        dwarf_lowpc = try resolver.function("dwarf_lowpc")
        dwarf_highpc = try resolver.function("dwarf_highpc")
        dwarf_ranges = try resolver.function("dwarf_ranges")
        dwarf_getlocation = try resolver.function("dwarf_getlocation")
        dwarf_getlocation_attr = try resolver.function("dwarf_getlocation_attr")
        dwarf_diecu = try resolver.function("dwarf_diecu")

        dwfl_begin = try resolver.function("dwfl_begin")
        dwfl_end = try resolver.function("dwfl_end")
        dwfl_errno = try resolver.function("dwfl_errno")
        dwfl_errmsg = try resolver.function("dwfl_errmsg")
        dwfl_report_begin = try resolver.function("dwfl_report_begin")
        dwfl_report_elf = try resolver.function("dwfl_report_elf")
        dwfl_report_end = try resolver.function("dwfl_report_end")
        dwfl_attach_state = try resolver.function("dwfl_attach_state")
        dwfl_thread_state_registers = try resolver.function("dwfl_thread_state_registers")
        dwfl_thread_state_register_pc = try resolver.function("dwfl_thread_state_register_pc")
        dwfl_getthread_frames = try resolver.function("dwfl_getthread_frames")
        dwfl_frame_pc = try resolver.function("dwfl_frame_pc")
        dwfl_addrmodule = try resolver.function("dwfl_addrmodule")
        dwfl_module_addrinfo = try resolver.function("dwfl_module_addrinfo")
        dwfl_module_info = try resolver.function("dwfl_module_info")
        dwfl_module_eh_cfi = try resolver.function("dwfl_module_eh_cfi")
        dwfl_module_dwarf_cfi = try resolver.function("dwfl_module_dwarf_cfi")
        dwarf_cfi_addrframe = try resolver.function("dwarf_cfi_addrframe")
    }

    /// Serialises the creation of libdw and libdwfl handles (loading a ``DWARFProgram``, setting
    /// up a ``DWARFUnwinder``): both are rare, and elfutils 0.188 does not promise that opening
    /// handles concurrently is safe. Each handle is then used by one owner at a time.
    static let handleCreationLock = PthreadLock()

    /// libdw's message for its most recent DWARF error on this thread.
    func lastDwarfError() -> String {
        dwarf_errmsg(-1).map { String(cString: $0) } ?? "unknown libdw error"
    }

    /// libdwfl's message for its most recent error on this thread.
    func lastDwflError() -> String {
        dwfl_errmsg(-1).map { String(cString: $0) } ?? "unknown libdwfl error"
    }
}

/// Looks up symbols in one `dlopen` handle and casts them to C function types.
private struct SymbolResolver {
    let handle: UnsafeMutableRawPointer
    let libraryName: String

    func function<Function>(_ name: String) throws -> Function {
        guard let address = dlsym(handle, name) else {
            throw DebugInfoError.libdwUnavailable(
                reason: "\(libraryName) has no symbol \(name) (elfutils 0.188 or later is needed)")
        }
        return unsafeBitCast(address, to: Function.self)
    }
}
