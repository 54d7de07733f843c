/// A general-purpose register operand of an encoder: X0–X30, or number 31, which each instruction
/// reads as XZR or SP as the architecture defines it for that operand.
public struct Register: Hashable, Sendable, CustomStringConvertible {
    /// The register number, 0–31.
    public let number: UInt8

    /// The register with `number`, or nil outside 0–31.
    public init?(number: Int) {
        guard (0...31).contains(number) else { return nil }
        self.number = UInt8(number)
    }

    /// X`n`, for `n` in 0–30.
    public static func x(_ n: Int) -> Register {
        precondition((0...30).contains(n), "x\(n) is not a general-purpose register")
        return Register(number: n)!
    }

    /// The intra-procedure-call scratch register ftrace uses to carry the return address.
    public static let x9 = Register.x(9)
    /// The frame pointer.
    public static let x29 = Register.x(29)
    /// The link register.
    public static let x30 = Register.x(30)
    /// Register 31 where it names the zero register.
    public static let xzr = Register(number: 31)!
    /// Register 31 where it names the stack pointer.
    public static let sp = Register(number: 31)!

    public var description: String { number == 31 ? "r31" : "x\(number)" }
}
