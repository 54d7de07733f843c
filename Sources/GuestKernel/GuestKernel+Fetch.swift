import Emulator

/// One `struct pb_fetch_op` as the guest's fetch handler reads it.
public struct GuestFetchOp: Equatable, Sendable, CustomStringConvertible {
    public var opcode: GuestABI.Fetch.Opcode
    /// Load/store size in bytes (1, 2, 4, 8); for `storeBitfield` the container size.
    public var size: UInt8
    public var isSigned: Bool
    /// `storeBitfield`: the field's width in bits.
    public var width: UInt8
    /// `storeBitfield`: the field's lowest bit in the container.
    public var shift: UInt8
    public var immediate: Int64

    public init(_ opcode: GuestABI.Fetch.Opcode, size: UInt8 = 0, isSigned: Bool = false, width: UInt8 = 0,
                shift: UInt8 = 0, immediate: Int64 = 0) {
        self.opcode = opcode
        self.size = size
        self.isSigned = isSigned
        self.width = width
        self.shift = shift
        self.immediate = immediate
    }

    /// The 16 bytes of `struct pb_fetch_op`, little-endian.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [opcode.rawValue, size, isSigned ? 1 : 0, width, shift, 0, 0, 0]
        withUnsafeBytes(of: UInt64(bitPattern: immediate).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The op in the guest's terms, e.g. `load size=4 signed imm=24`.
    public var description: String {
        let name: String
        switch opcode {
        case .end: name = "end"
        case .loadRegister: name = "load_reg"
        case .loadStack: name = "load_stack"
        case .immediate: name = "imm"
        case .dereference: name = "deref"
        case .add: name = "add"
        case .load: name = "load"
        case .store: name = "store"
        case .storeBitfield: name = "store_bitfield"
        case .storeString: name = "store_string"
        }
        var parts = [name]
        if size != 0 { parts.append("size=\(size)") }
        if isSigned { parts.append("signed") }
        if opcode == .storeBitfield { parts.append("width=\(width) shift=\(shift)") }
        switch opcode {
        case .end, .store, .storeBitfield: break
        case .immediate: parts.append("imm=0x\(String(UInt64(bitPattern: immediate), radix: 16))")
        default: parts.append("imm=\(immediate)")
        }
        return parts.joined(separator: " ")
    }
}

/// One record of the fetch ring, with its payload still undecoded (decoding needs the program).
public struct GuestFetchRecord: Equatable, Sendable {
    /// `PB_REC_ENTRY` or `PB_REC_EXIT`.
    public var type: UInt16
    /// `PB_RECF_*`.
    public var flags: UInt16
    /// The traced function's address.
    public var function: UInt64
    /// How many values the payload holds.
    public var valueCount: Int
    /// The regs struct the program read (`RegisterSetKind.guestID`).
    public var regsKind: UInt32
    /// The values: 8 bytes per scalar, a u64 length then the padded bytes per string.
    public var payload: [UInt8]

    public var isEntry: Bool { type == GuestABI.Fetch.recordEntry }
    public var isExit: Bool { type == GuestABI.Fetch.recordExit }
    public var faulted: Bool { flags & GuestABI.Fetch.recordFaultFlag != 0 }
}

/// What the host consumed from the fetch ring.
public struct GuestFetchRingContents: Equatable, Sendable {
    /// Entry and exit records in the order the guest wrote them (padding skipped).
    public var records: [GuestFetchRecord]
    /// Records the guest dropped for lack of space since the last reset.
    public var dropped: UInt64
}

/// The errors the fetch ring can show the host.
public enum GuestFetchRingError: Error, CustomStringConvertible, Equatable {
    case malformedRecord(offset: UInt64, length: UInt32)

    public var description: String {
        switch self {
        case .malformedRecord(let offset, let length):
            return "the fetch ring holds a malformed record at byte \(offset) (length \(length)): the guest and the host disagree on pb_abi.h"
        }
    }
}

extension GuestKernel {
    /// Which of the two programs of `pb_control` a write goes to.
    public enum FetchProgramSlot: Sendable {
        case entry, exit

        var offset: UInt64 { self == .entry ? GuestABI.Control.fetchEntry : GuestABI.Control.fetchExit }
    }

    /// Writes `ops` into `pb_control.fetch_entry` or `fetch_exit` (at most `GuestABI.Fetch.maxOps`).
    public func writeFetchProgram(_ ops: [GuestFetchOp], to slot: FetchProgramSlot) {
        precondition(ops.count <= GuestABI.Fetch.maxOps, "a fetch program holds at most \(GuestABI.Fetch.maxOps) ops")
        let base = controlAddress + slot.offset
        var bytes = [UInt8](repeating: 0, count: Int(GuestABI.Fetch.programSize))
        withUnsafeBytes(of: UInt64(ops.count).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        for (index, op) in ops.enumerated() {
            let start = 8 + index * Int(GuestABI.Fetch.opSize)
            bytes.replaceSubrange(start..<start + Int(GuestABI.Fetch.opSize), with: op.encoded)
        }
        _ = machine.memory.writeBytes(bytes, at: base)
    }

    /// Reads every record between the ring's tail and head, then hands the space back to the guest
    /// (tail = head), as the host consumer of `pb_abi.h` does.
    public func takeFetchRecords() throws -> GuestFetchRingContents {
        let ring = controlAddress + GuestABI.Control.ring
        let memory = machine.memory
        let head = memory.readUInt64(at: ring + GuestABI.Fetch.ringHead) ?? 0
        let tail = memory.readUInt64(at: ring + GuestABI.Fetch.ringTail) ?? 0
        let dropped = memory.readUInt64(at: ring + GuestABI.Fetch.ringDropped) ?? 0
        let size = UInt64(GuestABI.fetchRingSize)
        let data = memory.readBytes(at: ring + GuestABI.Fetch.ringData, count: GuestABI.fetchRingSize) ?? []
        guard data.count == GuestABI.fetchRingSize, head >= tail, head - tail <= size else {
            throw GuestFetchRingError.malformedRecord(offset: tail, length: 0)
        }
        func u16(_ at: Int) -> UInt16 { UInt16(data[at]) | UInt16(data[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(data[at + $1]) << (8 * $1) } }
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(data[at + $1]) << (8 * $1) } }

        var records: [GuestFetchRecord] = []
        var position = tail
        while position < head {
            let offset = Int(position % size)
            let length = u32(offset)
            let type = u16(offset + 4)
            guard length >= 8, length % 8 == 0, UInt64(offset) + UInt64(length) <= size, position + UInt64(length) <= head else {
                throw GuestFetchRingError.malformedRecord(offset: position, length: length)
            }
            if type != GuestABI.Fetch.recordPad {
                let header = GuestABI.Fetch.recordHeaderSize
                guard Int(length) >= header else { throw GuestFetchRingError.malformedRecord(offset: position, length: length) }
                records.append(GuestFetchRecord(
                    type: type, flags: u16(offset + 6), function: u64(offset + 8), valueCount: Int(u32(offset + 16)),
                    regsKind: u32(offset + 20), payload: Array(data[(offset + header)..<(offset + Int(length))])))
            }
            position += UInt64(length)
        }
        _ = memory.writeUInt64(head, at: ring + GuestABI.Fetch.ringTail)
        return GuestFetchRingContents(records: records, dropped: dropped)
    }

    /// Hands the whole ring back to the guest without reading it (tail = head).
    public func discardFetchRecords() {
        let ring = controlAddress + GuestABI.Control.ring
        let head = machine.memory.readUInt64(at: ring + GuestABI.Fetch.ringHead) ?? 0
        _ = machine.memory.writeUInt64(head, at: ring + GuestABI.Fetch.ringTail)
    }

    /// Sets `pb_control.call_args.x[index]`, the value `pb_run` passes in X`index` (1…7) or on the stack (8, 9).
    public func setCallArgument(_ index: Int, to value: UInt64) {
        precondition((1...9).contains(index), "pb_run takes x1…x7 and two stack slots from call_args.x[1…9]")
        _ = machine.memory.writeUInt64(value, at: controlAddress + GuestABI.Control.callArguments + UInt64(index) * 8)
    }

    /// How many attachments the guest holds (`pb_attached_count`).
    public func attachedCount() throws -> Int {
        Int(try call(GuestABI.Symbol.attachedCount))
    }

    /// The functions with a recorded patchable entry (`pb_patch_sites_start` … `_end` hold function − 8;
    /// the kernel checked at boot that they bound a table inside one segment). An entry too close
    /// to 2^64 to be 8 bytes below a function names none.
    public func patchableFunctions() -> Set<UInt64> {
        guard let start = symbols.address(of: GuestABI.Symbol.patchSitesStart),
            let end = symbols.address(of: GuestABI.Symbol.patchSitesEnd), end >= start
        else { return [] }
        var functions: Set<UInt64> = []
        for entry in stride(from: start, to: end, by: 8) {
            guard let site = machine.memory.readUInt64(at: entry) else { continue }
            let (function, overflow) = site.addingReportingOverflow(GuestABI.patchSiteBytes)
            if !overflow { functions.insert(function) }
        }
        return functions
    }
}
