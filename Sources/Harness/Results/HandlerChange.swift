/// What a `modify` handler's changes did to the traced call: whether the first argument its entry
/// handler changed reached the function, and whether the return value its exit handler changed
/// reached the caller. Judged from what the call returned against what the untraced function
/// returns with the driver's argument and with the changed one, both measured on the same guest.
public struct HandlerChange: Codable, Sendable, Equatable {
    /// The first argument the driver passed.
    public var argument: Int64
    /// What the untraced function returns for `argument`.
    public var untracedResult: Int64
    /// What the untraced function returns for `argument` plus the entry handler's change.
    public var untracedResultWithChangedArgument: Int64
    /// What the traced call returned (every call of the scenario returned the same).
    public var tracedResult: Int64
    /// Whether the entry handler's change to the first argument reached the function.
    public var argumentReachesFunction: Bool
    /// Whether the exit handler's change to the return value reached the caller; nil where no exit
    /// handler ran (a path without a return hook).
    public var returnValueReachesCaller: Bool?

    public init(argument: Int64, untracedResult: Int64, untracedResultWithChangedArgument: Int64, tracedResult: Int64,
                argumentReachesFunction: Bool, returnValueReachesCaller: Bool?) {
        self.argument = argument
        self.untracedResult = untracedResult
        self.untracedResultWithChangedArgument = untracedResultWithChangedArgument
        self.tracedResult = tracedResult
        self.argumentReachesFunction = argumentReachesFunction
        self.returnValueReachesCaller = returnValueReachesCaller
    }
}

/// What a `redirect` handler did to the traced call: whether the call went to the workload's
/// replacement, as livepatch needs, judged from what it returned against what the untraced
/// workload and its replacement return for the same arguments.
public struct CallRedirect: Codable, Sendable, Equatable {
    /// The replacement the handler set the pc to.
    public var replacement: String
    /// What the untraced workload returns.
    public var untracedResult: Int64
    /// What the replacement, called directly, returns.
    public var replacementResult: Int64
    /// What the traced call returned (every call of the scenario returned the same).
    public var tracedResult: Int64
    /// Whether the call ran the replacement instead of the workload.
    public var reachesReplacement: Bool

    public init(replacement: String, untracedResult: Int64, replacementResult: Int64, tracedResult: Int64,
                reachesReplacement: Bool) {
        self.replacement = replacement
        self.untracedResult = untracedResult
        self.replacementResult = replacementResult
        self.tracedResult = tracedResult
        self.reachesReplacement = reachesReplacement
    }
}

/// Whether the registers an entry handler is given are the traced function's own at its entry:
/// each group of fields of the `pt_regs` or `ftrace_regs` its path hands over, compared with the
/// emulator's registers when the function was entered (pc: its first body instruction, where every
/// path resumes). The call is made with IRQs masked and N and C set, so a PSTATE that is made up
/// rather than read shows. Groups the register set lacks are absent.
public struct HandlerRegisters: Codable, Sendable, Equatable {
    /// "pt_regs" or "ftrace_regs".
    public var registers: String
    public var groups: [Group]

    /// One group of fields and the ones that did not hold the real value.
    public struct Group: Codable, Sendable, Equatable {
        /// "arguments" (x0–x7), "callee-saved" (x19–x28), "frame" (fp, lr, sp, pc), "PSTATE mode"
        /// (exception level and stack pointer), "PSTATE DAIF" or "PSTATE NZCV".
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

    /// The groups in the order they are reported.
    public static let groupNames = ["arguments", "callee-saved", "frame", "PSTATE mode", "PSTATE DAIF", "PSTATE NZCV"]
}
