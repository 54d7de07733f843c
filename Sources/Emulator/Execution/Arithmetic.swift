import A64

/// The Arm ARM's arithmetic helpers (AddWithCarry, ShiftReg, ExtendReg, …) for 64- and 32-bit operands.
enum Arithmetic {
    static let low32: UInt64 = 0xFFFF_FFFF

    /// AddWithCarry: the result (zero-extended for 32-bit) and NZCV in bits 31:28.
    @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64, carry: UInt64, is64: Bool) -> (UInt64, UInt32) {
        if is64 {
            let (partial, overflow1) = a.addingReportingOverflow(b)
            let (result, overflow2) = partial.addingReportingOverflow(carry)
            let c: UInt32 = overflow1 || overflow2 ? 1 : 0
            let v = UInt32(((a ^ result) & (b ^ result)) >> 63)
            let n = UInt32(result >> 63)
            let z: UInt32 = result == 0 ? 1 : 0
            return (result, n << 31 | z << 30 | c << 29 | v << 28)
        }
        let a32 = a & low32, b32 = b & low32
        let sum = a32 &+ b32 &+ carry
        let result = sum & low32
        let c = UInt32(sum >> 32)
        let v = UInt32(((a32 ^ result) & (b32 ^ result)) >> 31 & 1)
        let n = UInt32(result >> 31)
        let z: UInt32 = result == 0 ? 1 : 0
        return (result, n << 31 | z << 30 | c << 29 | v << 28)
    }

    /// NZCV after a logical operation: N and Z from the result, C and V clear.
    @inline(__always)
    static func logicalFlags(_ result: UInt64, is64: Bool) -> UInt32 {
        let n = UInt32(is64 ? result >> 63 : result >> 31 & 1)
        let z: UInt32 = result == 0 ? 1 : 0
        return n << 31 | z << 30
    }

    /// ShiftReg: `value` shifted by `type` (LSL, LSR, ASR, ROR) and `amount` within the operand width.
    @inline(__always)
    static func shift(_ value: UInt64, _ type: UInt8, _ amount: UInt8, is64: Bool) -> UInt64 {
        let count = UInt64(amount)
        if is64 {
            switch type {
            case 0: return value &<< count
            case 1: return value &>> count
            case 2: return UInt64(bitPattern: Int64(bitPattern: value) &>> Int64(count))
            default: return count == 0 ? value : (value &>> count) | (value &<< (64 - count))
            }
        }
        let word = UInt32(truncatingIfNeeded: value)
        let count32 = UInt32(amount)
        switch type {
        case 0: return UInt64(word &<< count32)
        case 1: return UInt64(word &>> count32)
        case 2: return UInt64(UInt32(bitPattern: Int32(bitPattern: word) &>> Int32(count32)))
        default: return count32 == 0 ? UInt64(word) : UInt64((word &>> count32) | (word &<< (32 - count32)))
        }
    }

    /// ExtendReg: `value` extended by `type` (UXTB … SXTX) and shifted left by `shift` (0–4).
    @inline(__always)
    static func extend(_ value: UInt64, _ type: UInt8, shift: UInt8) -> UInt64 {
        let extended: UInt64
        switch type {
        case 0: extended = value & 0xFF
        case 1: extended = value & 0xFFFF
        case 2: extended = value & low32
        case 3: extended = value
        case 4: extended = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: value)))
        case 5: extended = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: value)))
        case 6: extended = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value)))
        default: extended = value
        }
        return extended &<< UInt64(shift)
    }

    /// A loaded value of `size` bytes, sign-extended to 32 or 64 bits when the load is signed.
    @inline(__always)
    static func loadedValue(_ raw: UInt64, size: UInt8, flags: InstructionFlags) -> UInt64 {
        guard flags.contains(.signed) else { return raw }
        let extended = BitMasks.signExtend(raw, bits: Int(size) * 8)
        return flags.contains(.is64) ? extended : extended & low32
    }

    /// EXTR: bits `lsb`… of the concatenation high:low, within the operand width.
    @inline(__always)
    static func extract(high: UInt64, low: UInt64, lsb: Int, is64: Bool) -> UInt64 {
        if is64 {
            return lsb == 0 ? low : (low &>> UInt64(lsb)) | (high &<< UInt64(64 - lsb))
        }
        let low32 = low & Self.low32, high32 = high & Self.low32
        return lsb == 0 ? low32 : ((low32 &>> UInt64(lsb)) | (high32 &<< UInt64(32 - lsb))) & Self.low32
    }

    /// RBIT over 64 bits (a 32-bit RBIT is the top half of the 64-bit result).
    @inline(__always)
    static func reverseBits(_ value: UInt64) -> UInt64 {
        var v = value
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }

    /// CLS: the number of bits below the sign bit that equal it.
    @inline(__always)
    static func countLeadingSignBits(_ value: UInt64, is64: Bool) -> UInt64 {
        if is64 {
            let differences = (value >> 1) ^ (value & 0x7FFF_FFFF_FFFF_FFFF)
            return UInt64(differences.leadingZeroBitCount - 1)
        }
        let word = UInt32(truncatingIfNeeded: value)
        let differences = (word >> 1) ^ (word & 0x7FFF_FFFF)
        return UInt64(differences.leadingZeroBitCount - 1)
    }

    /// SDIV: rounds toward zero; division by zero gives 0 and the most negative value over −1 wraps.
    @inline(__always)
    static func signedDivide(_ dividend: UInt64, _ divisor: UInt64, is64: Bool) -> UInt64 {
        if is64 {
            let n = Int64(bitPattern: dividend), d = Int64(bitPattern: divisor)
            guard d != 0 else { return 0 }
            return UInt64(bitPattern: n.dividedReportingOverflow(by: d).partialValue)
        }
        let n = Int32(truncatingIfNeeded: dividend), d = Int32(truncatingIfNeeded: divisor)
        guard d != 0 else { return 0 }
        return UInt64(UInt32(bitPattern: n.dividedReportingOverflow(by: d).partialValue))
    }

    /// The signed 64-bit product of the low 32 bits of each operand (SMADDL and friends).
    @inline(__always)
    static func signedProduct32(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)) &* Int64(Int32(truncatingIfNeeded: b)))
    }
}
