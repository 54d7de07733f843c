/// Why an encoder could not produce an instruction.
public enum EncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The target is further from the instruction than the instruction can reach.
    /// `distance` is `target - source` in bytes; `reach` is the largest distance either way.
    case targetOutOfRange(mnemonic: String, source: UInt64, target: UInt64, distance: Int64, reach: Int64)
    /// The instruction or its target is not aligned as the instruction requires (4 bytes).
    case misaligned(mnemonic: String, source: UInt64, target: UInt64, alignment: UInt64)
    /// An immediate does not fit its field.
    case immediateOutOfRange(mnemonic: String, value: UInt64, maximum: UInt64)

    public var description: String {
        switch self {
        case let .targetOutOfRange(mnemonic, source, target, distance, reach):
            return "\(mnemonic) at \(hex(source)) cannot reach \(hex(target)): distance \(signedHex(distance)) "
                + "(\(distance) bytes) is outside ±\(signedHex(reach).dropFirst()) (\(reach / (1 << 20)) MiB)"
        case let .misaligned(mnemonic, source, target, alignment):
            return "\(mnemonic) at \(hex(source)) to \(hex(target)): both must be \(alignment)-byte aligned"
        case let .immediateOutOfRange(mnemonic, value, maximum):
            return "\(mnemonic): immediate \(hex(value)) is above the maximum \(hex(maximum))"
        }
    }

    private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
    private func signedHex(_ value: Int64) -> String {
        (value < 0 ? "-0x" : "+0x") + String(value.magnitude, radix: 16)
    }
}
