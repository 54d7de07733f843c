import Emulator

/// Prints events as the kernel's trace output does:
/// `p_pb_wl_typed_0: (pb_wl_typed+0x8/0x60) obj=0x400a0d20 label="embedded-label"` for entry
/// events, `r_pb_wl_typed_0: (pb_driver+0x58/0x90 <- pb_wl_typed) status=-42` for return events.
public struct TraceLineFormatter: Sendable {
    public let probe: ResolvedProbe
    /// Sized function and object symbols by address, as kallsyms sees them for `%pS`.
    private let symbols: [ELFImage.Symbol]

    public init(probe: ResolvedProbe, image: ELFImage) {
        self.probe = probe
        symbols = image.symbols
            .filter { ($0.kind == .function || $0.kind == .object) && $0.size > 0 }
            .sorted { ($0.address, $0.name) < ($1.address, $1.name) }
    }

    /// The event's trace line.
    public func line(for event: ProbeEvent) -> String {
        let location: String
        if event.isReturn {
            location = "\(symbolic(event.returnAddress ?? 0)) <- \(probe.function.name)"
        } else {
            location = symbolic(probe.probeAddress)
        }
        let fields = zip(probe.arguments, event.values).map { argument, value in
            "\(argument.name)=\(format(value, as: argument.type, faulted: event.faulted))"
        }
        return (["\(probe.event): (\(location))"] + fields).joined(separator: " ")
    }

    /// `symbol+0xoff/0xsize` (the kernel's `%pS`), or `0x…` outside every symbol.
    public func symbolic(_ address: UInt64) -> String {
        var low = 0
        var high = symbols.count
        while low < high {
            let middle = (low + high) / 2
            if symbols[middle].address <= address { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        while index >= 0, symbols[index].address <= address {
            let symbol = symbols[index]
            if address - symbol.address < symbol.size {
                return "\(symbol.name)+0x\(String(address - symbol.address, radix: 16))/0x\(String(symbol.size, radix: 16))"
            }
            index -= 1
        }
        return "0x" + String(address, radix: 16)
    }

    /// A value in the type's print format: decimal for u/s and bitfields, `0x…` for x, quoted strings.
    public func format(_ value: FetchedValue, as type: FetchType, faulted: Bool) -> String {
        switch value {
        case .string(let bytes):
            return bytes.isEmpty && faulted ? "(fault)" : Self.quoted(bytes)
        case .integer(let raw):
            switch type {
            case .unsigned(let bits): return String(Self.truncated(raw, bits: bits))
            case .signed(let bits): return String(Self.signExtended(raw, bits: bits))
            case .hex(let bits): return "0x" + String(Self.truncated(raw, bits: bits), radix: 16)
            case .symbol: return symbolic(raw)
            case .bitfield(_, _, _, let isSigned): return isSigned ? String(Int64(bitPattern: raw)) : String(raw)
            case .string: return "0x" + String(raw, radix: 16)
            }
        }
    }

    static func truncated(_ value: UInt64, bits: Int) -> UInt64 {
        bits >= 64 ? value : value & ((1 << UInt64(bits)) - 1)
    }

    static func signExtended(_ value: UInt64, bits: Int) -> Int64 {
        guard bits < 64 else { return Int64(bitPattern: value) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    /// The bytes in double quotes, with `"`, `\` and non-printable bytes escaped.
    static func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.append(Character(Unicode.Scalar(byte)))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + "\""
    }
}
