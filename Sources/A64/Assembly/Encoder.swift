/// Encoders for the instructions that patching writes: NOP, B, BL, BRK, MOV (register), LDR
/// (literal), ADRP and ADD (immediate).
///
/// Each builds its word from the encoding table's row (`BitPattern.assemble`), so encoders and
/// decoder cannot disagree on where a field sits. PC-relative encoders take the address the
/// instruction will sit at and the address it must reach, and throw `EncodingError` naming both
/// and the distance when the target is out of reach or misaligned.
public enum Encoder {
    /// `nop`.
    public static let nop: UInt32 = Encoding.NOP.row.pattern.assemble([:])

    /// `mov x9, x30`: the first instruction of an ftrace patch site, saving the return address.
    public static let movX9X30: UInt32 = movRegister(.x9, .x30)

    /// `b target`, placed at `source` (±128 MiB).
    public static func branch(from source: UInt64, to target: UInt64) throws(EncodingError) -> UInt32 {
        let offset = try wordOffset("b", from: source, to: target, bits: 26)
        return Encoding.B.row.pattern.assemble(["i": offset])
    }

    /// `bl target`, placed at `source` (±128 MiB).
    public static func branchWithLink(from source: UInt64, to target: UInt64) throws(EncodingError) -> UInt32 {
        let offset = try wordOffset("bl", from: source, to: target, bits: 26)
        return Encoding.BL.row.pattern.assemble(["i": offset])
    }

    /// `brk #immediate`.
    public static func breakpoint(_ immediate: UInt16) -> UInt32 {
        Encoding.BRK.row.pattern.assemble(["i": UInt32(immediate)])
    }

    /// `mov destination, source` on X registers: ORR Xd, XZR, Xm (register 31 is XZR on both sides).
    public static func movRegister(_ destination: Register, _ source: Register) -> UInt32 {
        Encoding.ORR_reg.row.pattern.assemble([
            "z": 1, "y": 0, "m": UInt32(source.number), "k": 0, "n": 31, "d": UInt32(destination.number),
        ])
    }

    /// `ldr destination, target`: a 64-bit literal load placed at `source` (±1 MiB; register 31 is XZR).
    public static func loadLiteral(_ destination: Register, from source: UInt64, to target: UInt64) throws(EncodingError) -> UInt32 {
        let offset = try wordOffset("ldr", from: source, to: target, bits: 19)
        return Encoding.LDR_lit.row.pattern.assemble(["z": 1, "i": offset, "t": UInt32(destination.number)])
    }

    /// `adrp destination, target`: the 4 KiB page of `target`, from an instruction at `source`
    /// (±4 GiB in pages; any alignment of `target`; register 31 is XZR).
    public static func pageAddress(_ destination: Register, from source: UInt64, to target: UInt64) throws(EncodingError) -> UInt32 {
        let pages = Int64(bitPattern: (target >> 12) &- (source >> 12))
        guard (-(1 << 20)...((1 << 20) - 1)).contains(pages) else {
            throw .targetOutOfRange(mnemonic: "adrp", source: source, target: target,
                                    distance: Int64(bitPattern: target &- source), reach: 1 << 32)
        }
        let immediate = UInt32(truncatingIfNeeded: pages) & 0x1F_FFFF
        return Encoding.ADRP.row.pattern.assemble(["l": immediate & 3, "i": immediate >> 2, "d": UInt32(destination.number)])
    }

    /// `add destination, source, #immediate` on X registers, with `immediate` in 0–4095 (register
    /// 31 is SP on both sides). `add xN, xN, :lo12:target` completes an `adrp` pair.
    public static func addImmediate(_ destination: Register, _ source: Register, _ immediate: UInt32) throws(EncodingError) -> UInt32 {
        guard immediate <= 0xFFF else { throw .immediateOutOfRange(mnemonic: "add", value: UInt64(immediate), maximum: 0xFFF) }
        return Encoding.ADD_imm.row.pattern.assemble([
            "z": 1, "h": 0, "i": immediate, "n": UInt32(source.number), "d": UInt32(destination.number),
        ])
    }

    /// The signed word offset from `source` to `target` as the low `bits` bits of a field, or the error.
    private static func wordOffset(_ mnemonic: String, from source: UInt64, to target: UInt64, bits: Int) throws(EncodingError) -> UInt32 {
        guard source & 3 == 0, target & 3 == 0 else {
            throw .misaligned(mnemonic: mnemonic, source: source, target: target, alignment: 4)
        }
        let distance = Int64(bitPattern: target &- source)
        let reach = Int64(1) << (bits + 1) // bytes: a `bits`-bit signed word count reaches ±2^(bits+1)
        guard distance >= -reach, distance < reach else {
            throw .targetOutOfRange(mnemonic: mnemonic, source: source, target: target, distance: distance, reach: reach)
        }
        return UInt32(truncatingIfNeeded: distance >> 2) & UInt32((1 << bits) - 1)
    }
}
