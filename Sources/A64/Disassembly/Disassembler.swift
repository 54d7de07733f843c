/// Disassembles A64 words into llvm-objdump's syntax.
///
/// The text is what `llvm-objdump -d` prints after an instruction's bytes for an AArch64 ELF:
/// mnemonic, a tab, operands, and objdump's `// =...` comment where it prints one — aliases
/// resolved as objdump resolves them, immediates in the radix it uses for each operand, and branch,
/// literal and ADR/ADRP targets as absolute addresses. Words the decoder calls UNDEFINED print as
/// objdump prints an unallocated word (`<unknown>`, or `udf #imm16`), even where objdump knows an
/// extension this machine lacks. Printing is driven by the encoding table: the word's row decides
/// the form, the row's fields supply the operands. Any word is accepted.
public enum Disassembler {
    /// The objdump text for `word` at `address`, without the ` <symbol+offset>` annotation.
    public static func text(word: UInt32, address: UInt64) -> String {
        disassemble(word: word, address: address).text
    }

    /// The objdump text for `word` at `address`, with ` <symbol>` after a target operand where
    /// `symbolizer` names the target (as `"name"` or `"name+0x10"`, as objdump annotates them).
    public static func text(word: UInt32, address: UInt64, symbolizer: (UInt64) -> String?) -> String {
        let instruction = disassemble(word: word, address: address)
        return instruction.text(symbol: instruction.target.flatMap(symbolizer))
    }

    /// The parts of the objdump text for `word` at `address`: mnemonic, operands, comment, target.
    public static func disassemble(word: UInt32, address: UInt64) -> DisassembledInstruction {
        InstructionPrinter(word: word, address: address, instruction: Decoder.decode(word, at: address)).print()
    }
}
