/// Whether the registers an entry handler is given are the traced function's own at its entry:
/// each group of fields of the `pt_regs` or `ftrace_regs` its path hands over, compared with the
/// emulator's registers when the function was entered (pc: the symbol for the BRK kprobes, which
/// interrupt it there; its first body instruction for the other paths, where each resumes it). The call is made with IRQs masked and condition flags set, so a PSTATE that is
/// made up rather than read shows. Groups the register set lacks are absent.
public struct HandlerRegisters: Codable, Sendable, Equatable {
    /// "pt_regs" or "ftrace_regs".
    public var registers: String
    public var groups: [Group]

    /// One group of fields and the ones that did not hold the real value.
    public struct Group: Codable, Sendable, Equatable {
        /// "arguments" (x0–x7; at exit "return value", x0), "callee-saved" (x19–x28), "frame" (fp,
        /// lr, sp, pc; at exit fp, sp and the pc the caller resumes at), "PSTATE mode" (exception level
        /// and stack pointer), "PSTATE DAIF" or "PSTATE NZCV" (entry only).
        public var name: String
        /// Fields that differ from the real registers, as "x20=0x… (real 0x…)".
        public var wrong: [String]

        public init(name: String, wrong: [String]) {
            self.name = name
            self.wrong = wrong
        }

        public var isReal: Bool { wrong.isEmpty }
    }

    public init(registers: String, groups: [Group]) {
        self.registers = registers
        self.groups = groups
    }

    /// The group named `name`, if the register set has it.
    public func group(_ name: String) -> Group? { groups.first { $0.name == name } }

    /// The groups in the order they are reported, at entry and at exit.
    public static let groupNames = ["arguments", "callee-saved", "frame", "PSTATE mode", "PSTATE DAIF", "PSTATE NZCV"]
    public static let exitGroupNames = ["return value", "callee-saved", "frame", "PSTATE mode", "PSTATE DAIF"]
}
