/// One instruction as llvm-objdump prints it: mnemonic, operands, an optional comment and the
/// absolute address an operand names (where objdump appends ` <symbol+offset>`).
public struct DisassembledInstruction: Sendable, Hashable {
    /// The mnemonic, alias resolved (`mov`, `cmp`, `b.ne`, `<unknown>`).
    public var mnemonic: String
    /// The operands separated by `", "`, empty when there are none.
    public var operands: String
    /// The text objdump prints after `// ` at its comment column (`=305397760` after a `mov`), if any.
    public var comment: String?
    /// The absolute address of a branch, literal or ADR/ADRP operand, printed last among the operands.
    public var target: UInt64?

    public init(mnemonic: String, operands: String = "", comment: String? = nil, target: UInt64? = nil) {
        self.mnemonic = mnemonic
        self.operands = operands
        self.comment = comment
        self.target = target
    }

    /// The objdump text: mnemonic, a tab, the operands, and any comment at objdump's comment column.
    public var text: String { text(symbol: nil) }

    /// The objdump text with ` <symbol>` appended to the target operand, as objdump prints a
    /// symbolized address, and any comment padded to `commentColumn` columns after the mnemonic's
    /// start (at least one space).
    public func text(symbol: String?, commentColumn: Int = objdumpCommentColumn) -> String {
        var line = mnemonic
        if !operands.isEmpty {
            line += "\t"
            line += operands
        }
        if let symbol, target != nil {
            line += " <"
            line += symbol
            line += ">"
        }
        guard let comment else { return line }
        let current = Self.column(afterMnemonic: mnemonic, operands: line.utf8.count - mnemonic.utf8.count)
        line += String(repeating: " ", count: max(commentColumn - current, 1))
        line += "// "
        line += comment
        return line
    }

    /// Where objdump puts comments, in columns after the mnemonic's start: it pads them to column 56
    /// (`MAI.getCommentColumn()` 40, less 8, plus the instruction's start column 24), and the
    /// mnemonic starts at column 24 whenever addresses print in 8 hex digits (below 4 GiB). With
    /// 16-digit addresses the mnemonic starts at column 32, and comments 24 columns after it.
    public static let objdumpCommentColumn = 32

    /// The column after the mnemonic and `operandBytes` more bytes (a tab, then ASCII operands),
    /// with tabs advancing to the next multiple of 8 as objdump's formatted stream counts them.
    private static func column(afterMnemonic mnemonic: String, operands operandBytes: Int) -> Int {
        guard operandBytes > 0 else { return mnemonic.utf8.count }
        return (mnemonic.utf8.count / 8 + 1) * 8 + operandBytes - 1
    }
}
