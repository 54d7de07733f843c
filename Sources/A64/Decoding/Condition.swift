/// An A64 condition code, as in B.cond, CSEL and CCMP.
public enum Condition: UInt8, Sendable, CaseIterable {
    case eq, ne, hs, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv

    /// The assembler name (`hs` and `lo` are printed as llvm-objdump prints them).
    public var name: String { "\(self)" }

    /// Whether the condition holds for the flags `nzcv` (N in bit 31 … V in bit 28).
    @inlinable
    public static func holds(_ condition: UInt8, nzcv: UInt32) -> Bool {
        let n = nzcv >> 31 & 1, z = nzcv >> 30 & 1, c = nzcv >> 29 & 1, v = nzcv >> 28 & 1
        let result: Bool
        switch condition >> 1 {
        case 0: result = z == 1
        case 1: result = c == 1
        case 2: result = n == 1
        case 3: result = v == 1
        case 4: result = c == 1 && z == 0
        case 5: result = n == v
        case 6: result = n == v && z == 0
        default: return true // AL and NV both always hold
        }
        return condition & 1 == 1 ? !result : result
    }
}
