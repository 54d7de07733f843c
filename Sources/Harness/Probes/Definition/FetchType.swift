/// A fetch argument's `:TYPE`: how many bytes are stored and how the value is shown.
public enum FetchType: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `u8`…`u64`: unsigned decimal.
    case unsigned(bits: Int)
    /// `s8`…`s64`: signed decimal.
    case signed(bits: Int)
    /// `x8`…`x64`: hexadecimal (`0x…`).
    case hex(bits: Int)
    /// `string`: a NUL-terminated string, shown quoted.
    case string
    /// `symbol`: a 64-bit address, shown as `symbol+0xoff/0xsize`.
    case symbol
    /// `b<width>@<offset>/<container>`: `width` bits at bit `offset` of a `container`-bit value.
    /// Bitfields the DWARF describes keep the declared type's signedness; written ones are unsigned.
    case bitfield(width: Int, offset: Int, containerBits: Int, isSigned: Bool)

    /// The kernel's default for an untyped, non-BTF argument on a 64-bit kernel.
    public static let `default` = FetchType.hex(bits: 64)

    /// The sizes the integer types come in.
    static let integerBits = [8, 16, 32, 64]

    /// Bytes the type stores and loads: the integer's size, the bitfield's container; `nil` for a string.
    public var byteSize: Int? {
        switch self {
        case .unsigned(let bits), .signed(let bits), .hex(let bits): return bits / 8
        case .symbol: return 8
        case .bitfield(_, _, let container, _): return container / 8
        case .string: return nil
        }
    }

    /// Whether loads of this type sign-extend.
    public var isSigned: Bool {
        switch self {
        case .signed: return true
        case .bitfield(_, _, _, let isSigned): return isSigned
        default: return false
        }
    }

    /// The spelling in a definition: `u32`, `x64`, `string`, `symbol`, `b3@2/32`.
    public var description: String {
        switch self {
        case .unsigned(let bits): return "u\(bits)"
        case .signed(let bits): return "s\(bits)"
        case .hex(let bits): return "x\(bits)"
        case .string: return "string"
        case .symbol: return "symbol"
        case .bitfield(let width, let offset, let container, let isSigned):
            return "b\(width)@\(offset)/\(container)" + (isSigned ? " (signed)" : "")
        }
    }
}
