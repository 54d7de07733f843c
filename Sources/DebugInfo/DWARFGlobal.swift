/// A global variable with a static address (a `DW_TAG_variable` at file scope whose location is
/// a fixed address), as a `@SYM` fetch argument needs.
public struct DWARFGlobal: Equatable, Sendable {
    /// The variable's name.
    public let name: String
    /// The variable's address.
    public let address: UInt64
    /// The variable's declared type.
    public let type: TypeID
    /// Whether the variable is visible outside its compilation unit (not `static`).
    public let isExternal: Bool
    /// The name of the compilation unit that defines it, when recorded.
    public let compilationUnit: String?

    public init(name: String, address: UInt64, type: TypeID, isExternal: Bool, compilationUnit: String?) {
        self.name = name
        self.address = address
        self.type = type
        self.isExternal = isExternal
        self.compilationUnit = compilationUnit
    }
}
