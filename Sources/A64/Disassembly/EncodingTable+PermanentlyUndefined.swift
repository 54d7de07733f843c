extension EncodingTable {
    /// UDF: the permanently undefined encoding, `0000000000000000 iiiiiiiiiiiiiiii`.
    ///
    /// It is not a table row because it never executes (every word of it is UNDEFINED, which the
    /// decoder already says of any word outside the table), but objdump names it `udf #imm16`
    /// rather than `<unknown>`, so the disassembler needs its pattern.
    public static let permanentlyUndefined = BitPattern("0000000000000000 iiiiiiiiiiiiiiii")
}
