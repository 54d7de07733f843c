/// A function with code in the ELF file (a `DW_TAG_subprogram` with an address range).
public struct DWARFFunction: Equatable, Sendable {
    /// The function's name.
    public let name: String
    /// The address of the function's entry (`DW_AT_low_pc`, or the start of its first range).
    public let lowPC: UInt64
    /// One past the last byte of the entry range (`DW_AT_high_pc` resolved to an address).
    public let highPC: UInt64
    /// Every address range of the function's code; one range unless the compiler split it.
    public let ranges: [Range<UInt64>]
    /// The return type (``TypeID/void`` for a `void` function).
    public let returnType: TypeID
    /// The declared parameters in order.
    public let parameters: [Parameter]
    /// Whether the parameter list ends with `...`.
    public let isVariadic: Bool
    /// Whether the function is visible outside its compilation unit (not `static`).
    public let isExternal: Bool
    /// The name of the compilation unit (source file) that defines it, when recorded.
    public let compilationUnit: String?
    /// The offset of the function's DIE in `.debug_info`.
    public let dieOffset: UInt64

    public init(
        name: String, lowPC: UInt64, highPC: UInt64, ranges: [Range<UInt64>], returnType: TypeID,
        parameters: [Parameter], isVariadic: Bool, isExternal: Bool, compilationUnit: String?,
        dieOffset: UInt64
    ) {
        self.name = name
        self.lowPC = lowPC
        self.highPC = highPC
        self.ranges = ranges
        self.returnType = returnType
        self.parameters = parameters
        self.isVariadic = isVariadic
        self.isExternal = isExternal
        self.compilationUnit = compilationUnit
        self.dieOffset = dieOffset
    }

    /// The entry range `lowPC..<highPC`.
    public var addressRange: Range<UInt64> { lowPC..<highPC }

    /// Whether any of the function's ranges covers `address`.
    public func contains(_ address: UInt64) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// A declared parameter.
    public struct Parameter: Equatable, Sendable {
        /// The parameter's name; `nil` when the declaration leaves it unnamed.
        public let name: String?
        /// The parameter's declared type.
        public let type: TypeID

        public init(name: String?, type: TypeID) {
            self.name = name
            self.type = type
        }
    }
}
