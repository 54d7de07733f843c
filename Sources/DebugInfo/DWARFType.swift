/// Names one type of a ``DWARFProgram``: the offset of its DIE in `.debug_info`, or ``void``.
///
/// Types refer to each other by `TypeID` (not by nesting values), so self-referential types such
/// as `struct node { struct node *next; }` are modelled without cycles. Resolve an ID with
/// ``DWARFProgram/type(_:)``.
public struct TypeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The DIE's offset in `.debug_info` (or `UInt64.max` for ``void``).
    public let dieOffset: UInt64

    public init(dieOffset: UInt64) {
        self.dieOffset = dieOffset
    }

    /// The absent type: a function returning nothing, the pointee of `void *`.
    public static let void = TypeID(dieOffset: .max)

    public static func < (lhs: TypeID, rhs: TypeID) -> Bool { lhs.dieOffset < rhs.dieOffset }

    public var description: String {
        self == .void ? "void" : "type@0x\(String(dieOffset, radix: 16))"
    }
}

/// One C type from the DWARF: what kind it is, with the IDs of the types it is built from.
public struct DWARFType: Equatable, Sendable {
    /// This type's ID.
    public let id: TypeID
    /// What the type is.
    public let kind: Kind

    public init(id: TypeID, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// The kinds of C type the model distinguishes.
    public enum Kind: Equatable, Sendable {
        /// `void`.
        case void
        /// An arithmetic type: `int`, `unsigned char`, `_Bool`, …
        case base(BaseType)
        /// A data or function pointer to `pointee` (``TypeID/void`` for `void *`).
        case pointer(pointee: TypeID, byteSize: Int)
        /// An array, possibly multi-dimensional.
        case array(ArrayType)
        /// A `struct` (or C++ class).
        case structure(CompositeType)
        /// A `union`.
        case union(CompositeType)
        /// An `enum`.
        case enumeration(EnumType)
        /// A `typedef` name for `target`.
        case typedef(name: String, target: TypeID)
        /// `target` with one qualifier: `const`, `volatile`, `restrict` or `_Atomic`.
        case qualified(Qualifier, target: TypeID)
        /// A function type: what a function pointer points to.
        case function(FunctionType)
        /// A DWARF type this model does not describe (the DWARF tag is kept).
        case unsupported(tag: UInt32, name: String?)
    }
}

/// A C type qualifier.
public enum Qualifier: String, Equatable, Sendable {
    case const
    case volatile
    case restrict
    case atomic = "_Atomic"
}

/// An arithmetic type (`DW_TAG_base_type`).
public struct BaseType: Equatable, Sendable {
    /// Its C spelling, e.g. `unsigned int`.
    public let name: String
    /// Its size in bytes.
    public let byteSize: Int
    /// How its bits are interpreted.
    public let encoding: BaseEncoding

    public init(name: String, byteSize: Int, encoding: BaseEncoding) {
        self.name = name
        self.byteSize = byteSize
        self.encoding = encoding
    }
}

/// How a base type's bits are interpreted (`DW_AT_encoding`).
public enum BaseEncoding: Equatable, Sendable {
    case signed
    case unsigned
    case boolean
    case signedChar
    case unsignedChar
    case float
    /// Any other `DW_ATE_*` value (complex, decimal, UTF, …).
    case other(UInt32)

    /// Whether values of this encoding sign-extend when widened.
    public var isSigned: Bool {
        switch self {
        case .signed, .signedChar: return true
        default: return false
        }
    }
}

/// An array type: the element type and the length of each dimension, outermost first.
public struct ArrayType: Equatable, Sendable {
    /// The innermost element type (`int` for `int m[2][3]`).
    public let element: TypeID
    /// Each dimension's element count, outermost first (`[2, 3]` for `int m[2][3]`);
    /// `nil` for a dimension of unknown length such as a flexible array member.
    public let dimensions: [Int?]

    public init(element: TypeID, dimensions: [Int?]) {
        self.element = element
        self.dimensions = dimensions
    }

    /// The outermost dimension's element count (`nil` when unknown).
    public var count: Int? { dimensions.first ?? nil }
}

/// A struct or union: its tag name (if any), size and members in declaration order.
public struct CompositeType: Equatable, Sendable {
    /// The tag name; `nil` for an anonymous struct or union.
    public let name: String?
    /// The size in bytes; `nil` for an incomplete (declared only) type.
    public let byteSize: Int?
    /// The members in declaration order (empty for a declaration).
    public let members: [Member]
    /// Whether this is only a declaration (`struct foo;`), with no members known.
    public let isDeclaration: Bool

    public init(name: String?, byteSize: Int?, members: [Member], isDeclaration: Bool) {
        self.name = name
        self.byteSize = byteSize
        self.members = members
        self.isDeclaration = isDeclaration
    }
}

/// One member of a struct or union.
public struct Member: Equatable, Sendable {
    /// The member's name; `nil` for an anonymous struct/union member or unnamed bitfield padding.
    public let name: String?
    /// The member's declared type.
    public let type: TypeID
    /// The offset in bytes from the start of the enclosing struct or union; for a bitfield, the
    /// offset of the storage unit that holds it (see ``BitField``).
    public let byteOffset: Int
    /// The bitfield layout, or `nil` for an ordinary member.
    public let bitField: BitField?

    public init(name: String?, type: TypeID, byteOffset: Int, bitField: BitField?) {
        self.name = name
        self.type = type
        self.byteOffset = byteOffset
        self.bitField = bitField
    }
}

/// Where a bitfield's bits lie: `bitSize` bits starting `bitOffset` bits above the least
/// significant bit of the little-endian storage unit of `storageByteSize` bytes at the member's
/// byte offset. To read it: load the storage unit, shift right by `bitOffset`, keep `bitSize` bits
/// (sign-extending if the declared type is signed).
///
/// The storage unit is the naturally aligned unit of the declared type's size that holds the
/// whole field; for a field that straddles such units (packed structs) it starts at the byte
/// holding the field's first bit instead. `DW_AT_data_bit_offset` (DWARF 4+) and the older
/// big-endian-numbered `DW_AT_bit_offset` (DWARF 2/3) give the same answer.
public struct BitField: Equatable, Sendable {
    /// The field's width in bits.
    public let bitSize: Int
    /// The field's lowest bit, counted from the least significant bit of the storage unit.
    public let bitOffset: Int
    /// The size in bytes of the storage unit to load.
    public let storageByteSize: Int

    public init(bitSize: Int, bitOffset: Int, storageByteSize: Int) {
        self.bitSize = bitSize
        self.bitOffset = bitOffset
        self.storageByteSize = storageByteSize
    }
}

/// An enumeration: its tag name (if any), size, underlying integer type and enumerators.
public struct EnumType: Equatable, Sendable {
    /// The tag name; `nil` for an anonymous enum.
    public let name: String?
    /// The size in bytes; `nil` for a declaration.
    public let byteSize: Int?
    /// The underlying integer type, when the producer records it (DWARF 3+ usually does).
    public let underlyingType: TypeID?
    /// The enumerators in declaration order.
    public let enumerators: [Enumerator]

    public init(name: String?, byteSize: Int?, underlyingType: TypeID?, enumerators: [Enumerator]) {
        self.name = name
        self.byteSize = byteSize
        self.underlyingType = underlyingType
        self.enumerators = enumerators
    }
}

/// One named value of an enumeration.
public struct Enumerator: Equatable, Sendable {
    public let name: String
    /// The value; an enumerator of an unsigned enum above `Int64.max` keeps its bit pattern.
    public let value: Int64

    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}

/// A function type (`DW_TAG_subroutine_type`): what a function pointer points to.
public struct FunctionType: Equatable, Sendable {
    /// The return type (``TypeID/void`` when nothing is returned).
    public let returnType: TypeID
    /// The parameter types in order.
    public let parameterTypes: [TypeID]
    /// Whether the parameter list ends with `...`.
    public let isVariadic: Bool
    /// Whether the function was declared with a prototype (`int f(void)` rather than `int f()`).
    public let isPrototyped: Bool

    public init(returnType: TypeID, parameterTypes: [TypeID], isVariadic: Bool, isPrototyped: Bool) {
        self.returnType = returnType
        self.parameterTypes = parameterTypes
        self.isVariadic = isVariadic
        self.isPrototyped = isPrototyped
    }
}
