#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks AArch64 stacks of one ELF image with libdw's Dwfl unwinder, from a register set and a
/// memory-read callback into a snapshot of the guest's memory: the independent DWARF reference
/// the guest's frame-record walks are compared with.
///
/// One `Dwfl` session is set up per unwinder and reused by every walk: the ELF is reported at
/// its own link addresses (no bias), libdwfl sees a single thread whose registers and memory
/// come from the walk in progress, and its CFI caches stay warm between walks. Symbols are
/// looked up once per address and remembered.
///
/// libdw handles are not thread-safe: walks on one unwinder are serialised by a lock, so the
/// unwinder may be shared, but threads that walk in parallel should each create their own.
public final class DWARFUnwinder: @unchecked Sendable {
    // @unchecked: every mutable field and the Dwfl handle are touched only under `lock`.

    /// The ELF file whose CFI and symbols are used.
    public let path: String

    private let libdw: LibDW
    private let lock = PthreadLock()
    private let session: OpaquePointer
    private let module: OpaquePointer
    private let state: WalkState
    private let stateArgument: UnsafeMutableRawPointer
    private let callbacks: UnsafeMutablePointer<LibDW.DwflCallbacks>
    private let threadCallbacks: UnsafeMutablePointer<LibDW.DwflThreadCallbacks>
    private var codeFactsCache: [UInt64: CodeFacts] = [:]

    /// What the ELF says about one code address.
    private struct CodeFacts {
        var symbol: (name: String, start: UInt64)?
        var isCoveredByCFI: Bool
    }

    /// The arbitrary process ID reported to libdwfl for the guest.
    private static let processID: Int32 = 1

    /// Sets up a Dwfl session for the AArch64 ELF file at `elfPath`.
    ///
    /// - Parameter libdw: the libdw to use; by default ``LibDW/shared()``.
    /// - Throws: ``DebugInfoError``: `.libdwUnavailable`, `.cannotOpen`, `.malformedELF`,
    ///   `.notAArch64`, or `.unwinderSetupFailed` naming the libdwfl step that failed.
    public init(elfPath: String, libdw: LibDW? = nil) throws {
        let library = try libdw ?? LibDW.shared()
        try ELFIdentity.validateAArch64(path: elfPath)
        path = elfPath
        self.libdw = library
        state = WalkState(libdw: library)
        stateArgument = Unmanaged.passRetained(state).toOpaque()

        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: LibDW.DwflCallbacks(
            findELF: unsafeBitCast(DwflCallbackFunctions.findELF, to: UnsafeRawPointer.self),
            findDebugInfo: unsafeBitCast(DwflCallbackFunctions.findDebugInfo, to: UnsafeRawPointer.self),
            sectionAddress: unsafeBitCast(DwflCallbackFunctions.sectionAddress, to: UnsafeRawPointer.self),
            debugInfoPath: nil))
        threadCallbacks = .allocate(capacity: 1)
        threadCallbacks.initialize(to: LibDW.DwflThreadCallbacks(
            nextThread: unsafeBitCast(DwflCallbackFunctions.nextThread, to: UnsafeRawPointer.self),
            getThread: unsafeBitCast(DwflCallbackFunctions.getThread, to: UnsafeRawPointer.self),
            memoryRead: unsafeBitCast(DwflCallbackFunctions.memoryRead, to: UnsafeRawPointer.self),
            setInitialRegisters: unsafeBitCast(DwflCallbackFunctions.setInitialRegisters, to: UnsafeRawPointer.self),
            detach: nil,
            threadDetach: nil))

        LibDW.handleCreationLock.lock()
        defer { LibDW.handleCreationLock.unlock() }
        guard let session = library.dwfl_begin(UnsafeRawPointer(callbacks)) else {
            let message = library.lastDwflError()
            Self.release(callbacks, threadCallbacks, stateArgument)
            throw DebugInfoError.unwinderSetupFailed(path: elfPath, step: "dwfl_begin", message: message)
        }
        self.session = session
        do {
            module = try Self.reportModule(path: elfPath, session: session, libdw: library)
            guard library.dwfl_attach_state(session, nil, Self.processID, UnsafeRawPointer(threadCallbacks), stateArgument)
            else {
                throw DebugInfoError.unwinderSetupFailed(
                    path: elfPath, step: "dwfl_attach_state", message: library.lastDwflError())
            }
        } catch {
            library.dwfl_end(session)
            Self.release(callbacks, threadCallbacks, stateArgument)
            throw error
        }
    }

    deinit {
        libdw.dwfl_end(session)
        Self.release(callbacks, threadCallbacks, stateArgument)
    }

    /// Reports the ELF at its own link addresses: `base` 0 without adding `p_vaddr` keeps an
    /// `ET_EXEC` image exactly where it was linked.
    private static func reportModule(path: String, session: OpaquePointer, libdw: LibDW) throws -> OpaquePointer {
        libdw.dwfl_report_begin(session)
        let reported = path.withCString { libdw.dwfl_report_elf(session, "guest", $0, -1, 0, false) }
        guard let module = reported else {
            let message = libdw.lastDwflError()
            _ = libdw.dwfl_report_end(session, nil, nil)
            throw DebugInfoError.unwinderSetupFailed(path: path, step: "dwfl_report_elf", message: message)
        }
        guard libdw.dwfl_report_end(session, nil, nil) == 0 else {
            throw DebugInfoError.unwinderSetupFailed(path: path, step: "dwfl_report_end", message: libdw.lastDwflError())
        }
        return module
    }

    private static func release(
        _ callbacks: UnsafeMutablePointer<LibDW.DwflCallbacks>,
        _ threadCallbacks: UnsafeMutablePointer<LibDW.DwflThreadCallbacks>,
        _ stateArgument: UnsafeMutableRawPointer
    ) {
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
        threadCallbacks.deinitialize(count: 1)
        threadCallbacks.deallocate()
        Unmanaged<WalkState>.fromOpaque(stateArgument).release()
    }

    /// The address range the ELF occupies as libdwfl sees it (its lowest to highest loaded byte).
    public var moduleAddressRange: Range<UInt64>? {
        lock.withLock {
            var start: UInt64 = 0
            var end: UInt64 = 0
            guard libdw.dwfl_module_info(module, nil, &start, &end, nil, nil, nil, nil) != nil, start < end else {
                return nil
            }
            return start..<end
        }
    }

    /// Walks the stack from `registers`, reading memory through `readMemory` (eight little-endian
    /// bytes at an address, or `nil` when the address is outside the snapshot).
    ///
    /// - Parameter maxFrames: the walk stops after this many frames (guards against loops).
    /// - Returns: the frames, innermost first, each symbolized from the ELF symbol table, and how
    ///   the walk ended. A walk that libdw cannot finish is not an error: its frames so far are
    ///   returned with ``StackWalkEnd/failed(message:)``.
    public func walk(
        registers: AArch64Registers, maxFrames: Int = 256, readMemory: (UInt64) -> UInt64?
    ) -> StackWalk {
        lock.withLock {
            let key = WalkKey(registers: registers.dwarfRegisters, pc: registers.pc, given: registers.given,
                              maxFrames: maxFrames)
            if let recorded = recordedWalks[key], recorded.reads.allSatisfy({ readMemory($0.address) == $0.value }) {
                repeatedWalkCount += 1
                return recorded.walk
            }
            var reads: [(address: UInt64, value: UInt64?)] = []
            let walk = withoutActuallyEscaping(readMemory) { reader in
                state.registers = key.registers
                state.givenRegisters = registers.given
                state.pc = registers.pc
                state.readMemory = { address in
                    let value = reader(address)
                    reads.append((address, value))
                    return value
                }
                state.frames.removeAll(keepingCapacity: true)
                state.maxFrames = max(1, maxFrames)
                state.failedRead = nil
                state.framePCFailed = false
                _ = libdw.dwfl_errno()  // clear a stale error from an earlier call on this thread

                let status = libdw.dwfl_getthread_frames(
                    session, DwflCallbackFunctions.threadID, DwflCallbackFunctions.recordFrame, stateArgument)
                state.readMemory = nil

                let frames = state.frames.map { symbolized(pc: $0.pc, isActivation: $0.isActivation) }
                return StackWalk(frames: frames, end: end(status: status))
            }
            if recordedWalks.count >= Self.recordedWalkLimit { recordedWalks.removeAll(keepingCapacity: true) }
            recordedWalks[key] = RecordedWalk(reads: reads, walk: walk)
            return walk
        }
    }

    /// What a walk starts from: libdw's walk is a function of the ELF, these and what each memory
    /// read returns.
    private struct WalkKey: Hashable {
        var registers: [UInt64]
        var pc: UInt64
        var given: UInt32
        var maxFrames: Int
    }

    /// A walk libdw made, with the memory it read in order.
    private struct RecordedWalk {
        var reads: [(address: UInt64, value: UInt64?)]
        var walk: StackWalk
    }

    /// Walks made, by what they started from. A walk that starts from the same registers and finds
    /// the same value at every address the recorded one read, in order, makes the same reads and
    /// gets the same frames, so it is answered without libdw (a third of a default run's walks:
    /// measured calls and CPU profiles that see the same registers and stack).
    private var recordedWalks: [WalkKey: RecordedWalk] = [:]
    /// Enough for the distinct walks of a suite's scenarios on one image; forgotten all at once when full.
    private static let recordedWalkLimit = 4096
    /// Walks answered from `recordedWalks` so far.
    public private(set) var repeatedWalkCount = 0

    private func end(status: Int32) -> StackWalkEnd {
        // libdwfl treats a return address it could not read as "undefined", i.e. as the outermost
        // frame, and reports success: a failed read while unwinding the last frame means the walk
        // was cut short by the snapshot, not finished.
        let readFailedAtEnd = state.failedRead.map { $0.frameCount == state.frames.count } ?? false
        if status == 0 && !readFailedAtEnd { return .completed }
        if status == DwflCallbackFunctions.stopWalk && !state.framePCFailed {
            return .frameLimitReached(state.frames.count)
        }
        var message = status == 0 ? "libdwfl stopped as if at the outermost frame" : libdw.lastDwflError()
        if message.lowercased() == "no error" { message = "libdwfl gave no reason" }
        if state.framePCFailed { message = "dwfl_frame_pc failed: " + message }
        if let failure = state.failedRead, readFailedAtEnd {
            message = "memory at 0x\(hex(failure.address)) is outside the snapshot (\(message))"
        }
        if let last = state.frames.last {
            message += "; unwinding stopped after frame #\(state.frames.count - 1) at pc 0x\(hex(last.pc))"
        }
        return .failed(message: message)
    }

    private func symbolized(pc: UInt64, isActivation: Bool) -> StackFrame {
        // A return address may be one past the end of the calling function (a call as its last
        // instruction): symbolize the call itself.
        let lookup = isActivation || pc == 0 ? pc : pc - 1
        let facts = codeFacts(at: lookup)
        return StackFrame(
            pc: pc, isActivation: isActivation, symbol: facts.symbol?.name,
            symbolOffset: facts.symbol.map { pc &- $0.start }, isCoveredByCFI: facts.isCoveredByCFI)
    }

    /// The symbol and CFI coverage of a code address, looked up once and then remembered.
    private func codeFacts(at address: UInt64) -> CodeFacts {
        if let cached = codeFactsCache[address] { return cached }
        var facts = CodeFacts(symbol: nil, isCoveredByCFI: false)
        if let module = libdw.dwfl_addrmodule(session, address) {
            var offset: UInt64 = 0
            var raw = LibDW.Symbol()
            let name = withUnsafeMutableBytes(of: &raw.storage) {
                libdw.dwfl_module_addrinfo(module, address, &offset, $0.baseAddress, nil, nil, nil)
            }
            if let name { facts.symbol = (String(cString: name), address &- offset) }
            facts.isCoveredByCFI = hasCFI(module: module, address: address)
        }
        codeFactsCache[address] = facts
        return facts
    }

    private func hasCFI(module: OpaquePointer, address: UInt64) -> Bool {
        for lookup in [libdw.dwfl_module_eh_cfi, libdw.dwfl_module_dwarf_cfi] {
            var bias: UInt64 = 0
            guard let cfi = lookup(module, &bias) else { continue }
            var frame: UnsafeMutableRawPointer? = nil
            if libdw.dwarf_cfi_addrframe(cfi, address &- bias, &frame) == 0 {
                free(frame)
                return true
            }
        }
        return false
    }
}
