import GuestKernel

/// One hit of a probe, decoded from its ring record with the probe's program.
public struct ProbeEvent: Equatable, Sendable {
    /// The traced function's address.
    public let function: UInt64
    /// Whether the event fired at the function's return.
    public let isReturn: Bool
    /// One value per argument, in order.
    public let values: [FetchedValue]
    /// For return events: where the function returned to.
    public let returnAddress: UInt64?
    /// A load hit memory outside RAM or misaligned: the affected values read as 0 (or an empty string).
    public let faulted: Bool
    /// The register snapshot the guest's handler read.
    public let registers: RegisterSetKind?
}

/// One fetched value as the record holds it.
public enum FetchedValue: Equatable, Sendable {
    /// The 8 stored bytes (already sign- or zero-extended by the guest).
    case integer(UInt64)
    /// The bytes of a string (without the NUL).
    case string([UInt8])

    /// The integer, if this is one.
    public var integer: UInt64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The string decoded as UTF-8 (invalid sequences replaced), if this is one.
    public var string: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

extension ProbeEvent {
    /// Decodes the records of a compiled probe: entry records for entry probes, exit records for
    /// return probes (the others carry no values).
    static func decode(_ records: [GuestFetchRecord], for compiled: CompiledProbe) -> [ProbeEvent] {
        let probe = compiled.probe
        return records
            .filter { probe.isReturn ? $0.isExit : $0.isEntry }
            .map { decode($0, for: probe) }
    }

    private static func decode(_ record: GuestFetchRecord, for probe: ResolvedProbe) -> ProbeEvent {
        var reader = PayloadReader(bytes: record.payload)
        var values: [FetchedValue] = []
        for argument in probe.arguments {
            switch argument.store {
            case .string:
                values.append(.string(reader.string()))
            case .value, .bitfield:
                values.append(.integer(reader.word()))
            }
        }
        let returnAddress = probe.isReturn ? reader.word() : nil
        let expectedValues = probe.arguments.count + (probe.isReturn ? 1 : 0)
        return ProbeEvent(
            function: record.function, isReturn: probe.isReturn, values: values, returnAddress: returnAddress,
            faulted: record.faulted || reader.ranOut || record.valueCount != expectedValues,
            registers: RegisterSetKind(guestID: record.regsKind))
    }
}

/// Reads the ring's value encoding: 8-byte scalars, strings as a u64 length then bytes padded to 8.
struct PayloadReader {
    let bytes: [UInt8]
    var position = 0
    /// Whether a read wanted more bytes than the record holds.
    var ranOut = false

    mutating func word() -> UInt64 {
        guard position + 8 <= bytes.count else {
            ranOut = true
            position = bytes.count
            return 0
        }
        defer { position += 8 }
        return (0..<8).reduce(0) { $0 | UInt64(bytes[position + $1]) << (8 * $1) }
    }

    mutating func string() -> [UInt8] {
        let length = word()
        guard length <= UInt64(bytes.count - position) else {
            ranOut = true
            position = bytes.count
            return []
        }
        let count = Int(length)
        defer { position = min(bytes.count, position + (count + 7) / 8 * 8) }
        return Array(bytes[position..<position + count])
    }
}
