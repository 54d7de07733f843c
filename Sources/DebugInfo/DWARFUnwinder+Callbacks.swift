/// The state of the walk in progress, reached from libdwfl's C callbacks through their `void *arg`.
///
/// One instance lives as long as its ``DWARFUnwinder`` (it is the `dwfl_arg` given to
/// `dwfl_attach_state`); each walk refills it under the unwinder's lock.
final class WalkState {
    let libdw: LibDW
    var registers: [UInt64] = []
    /// Which of `registers` are given (bit n for DWARF register n); the rest stay undefined.
    var givenRegisters: UInt32 = ~0
    var pc: UInt64 = 0
    var readMemory: ((UInt64) -> UInt64?)?
    var frames: [(pc: UInt64, isActivation: Bool)] = []
    var maxFrames = 0
    /// The first address that could not be read while unwinding the newest frame, and that frame's number.
    var failedRead: (address: UInt64, frameCount: Int)?
    var framePCFailed = false

    init(libdw: LibDW) {
        self.libdw = libdw
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> WalkState? {
        pointer.map { Unmanaged<WalkState>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// The `Dwfl_Callbacks` and `Dwfl_Thread_Callbacks` functions, as C function pointers.
///
/// The guest is presented to libdwfl as one process with one thread (TID 1) whose registers come
/// from ``WalkState/registers`` and whose memory is read through ``WalkState/readMemory``.
enum DwflCallbackFunctions {
    /// The only thread ID.
    static let threadID: Int32 = 1
    /// `DWARF_CB_OK` and `DWARF_CB_ABORT` from `libdw.h`.
    static let continueWalk: Int32 = 0
    static let stopWalk: Int32 = 1

    // MARK: Dwfl_Callbacks

    /// `find_elf`: the module is reported with its file, so there is never another ELF to find.
    static let findELF: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafePointer<CChar>?, UInt64,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<OpaquePointer?>?
    ) -> Int32 = { _, _, _, _, _, _ in -1 }

    /// `find_debuginfo`: the DWARF is in the ELF itself; never search debug directories or debuginfod.
    static let findDebugInfo: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafePointer<CChar>?, UInt64,
        UnsafePointer<CChar>?, UnsafePointer<CChar>?, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> Int32 = { _, _, _, _, _, _, _, _ in -1 }

    /// `section_address`: sections are where the ELF file says (only relocatable files ask).
    static let sectionAddress: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafePointer<CChar>?, UInt64,
        UnsafePointer<CChar>?, UInt32, UnsafeRawPointer?, UnsafeMutablePointer<UInt64>?
    ) -> Int32 = { _, _, _, _, _, _, sectionHeader, address in
        // Elf64_Shdr.sh_addr is at byte offset 16.
        guard let sectionHeader, let address else { return -1 }
        address.pointee = sectionHeader.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        return 0
    }

    // MARK: Dwfl_Thread_Callbacks

    /// `next_thread`: TID 1 on the first call, then no more threads.
    static let nextThread: @convention(c) (
        OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int32 = { _, dwflArgument, threadArgument in
        guard let threadArgument else { return -1 }
        if threadArgument.pointee != nil { return 0 }
        threadArgument.pointee = dwflArgument
        return threadID
    }

    /// `get_thread`: TID 1 exists; its thread argument is the walk state.
    static let getThread: @convention(c) (
        OpaquePointer?, Int32, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Bool = { _, tid, dwflArgument, threadArgument in
        guard tid == threadID, let threadArgument else { return false }
        threadArgument.pointee = dwflArgument
        return true
    }

    /// `memory_read`: eight bytes at `address` from the caller's snapshot.
    static let memoryRead: @convention(c) (
        OpaquePointer?, UInt64, UnsafeMutablePointer<UInt64>?, UnsafeMutableRawPointer?
    ) -> Bool = { _, address, result, dwflArgument in
        guard let state = WalkState.from(dwflArgument), let result else { return false }
        guard let value = state.readMemory?(address) else {
            if state.failedRead == nil || state.failedRead?.frameCount != state.frames.count {
                state.failedRead = (address, state.frames.count)
            }
            return false
        }
        result.pointee = value
        return true
    }

    /// `set_initial_registers`: the given ones of x0–x30 and SP as DWARF registers 0–31, each run
    /// of consecutive given registers at once, then the PC.
    static let setInitialRegisters: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Bool = {
        thread, threadArgument in
        guard let state = WalkState.from(threadArgument) else { return false }
        let accepted = state.registers.withUnsafeBufferPointer { buffer in
            var first = 0
            while first < buffer.count {
                guard state.givenRegisters & (1 << UInt32(first)) != 0 else { first += 1; continue }
                var end = first + 1
                while end < buffer.count && state.givenRegisters & (1 << UInt32(end)) != 0 { end += 1 }
                guard state.libdw.dwfl_thread_state_registers(thread, Int32(first), UInt32(end - first),
                                                              buffer.baseAddress! + first) else { return false }
                first = end
            }
            return true
        }
        guard accepted else { return false }
        state.libdw.dwfl_thread_state_register_pc(thread, state.pc)
        return true
    }

    // MARK: Frame iteration

    /// The `dwfl_getthread_frames` callback: records each frame's PC and activation flag.
    static let recordFrame: LibDW.DwflFrameCallback = { frame, argument in
        guard let state = WalkState.from(argument) else { return stopWalk }
        var pc: UInt64 = 0
        var isActivation = false
        guard state.libdw.dwfl_frame_pc(frame, &pc, &isActivation) else {
            state.framePCFailed = true
            return stopWalk
        }
        state.frames.append((pc, isActivation))
        return state.frames.count >= state.maxFrames ? stopWalk : continueWalk
    }
}
