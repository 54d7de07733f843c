/// Why an instruction reads a register: cores forward results to some operand positions earlier
/// than to others (an ALU reads an unshifted operand later than one it must shift first; a
/// multiply-accumulate reads its addend late), so cycle models look up forwarding by role.
public enum OperandRole: UInt8, Sendable, CaseIterable {
    /// An ALU source used as is.
    case operand
    /// An ALU source that is shifted or extended before use.
    case shiftedOperand
    /// A multiplier or multiplicand.
    case multiplicand
    /// The addend of a multiply-accumulate.
    case accumulator
    /// A divide operand.
    case divideOperand
    /// A base or index register of a memory access, or a cache maintenance address.
    case address
    /// The data a store writes.
    case storeData
    /// What a branch or conditional instruction tests: NZCV, or the register of CBZ/TBZ.
    case condition
    /// The target of an indirect branch or a value written to a system register.
    case transfer
}

/// The registers one instruction reads and writes, as register-file slots.
///
/// Slots are those of `RegisterSlot` (0–30 X0–X30, 33 SP) plus `RegisterUse.flags` for NZCV.
/// The zero register is never listed as a source and a discarded destination never as a result,
/// so a scoreboard can index by slot without checking.
public struct RegisterUse: Sendable {
    /// No register.
    public static let none: UInt8 = 0xFF
    /// The pseudo slot of the condition flags.
    public static let flags: UInt8 = 34
    /// Slots a scoreboard needs (general registers, zero, discard, SP, NZCV).
    public static let slotCount = 35
    /// The most sources any instruction has.
    public static let maximumSources = 4

    /// Source slots in operand order; `none` past `sourceCount`.
    public var sources: (UInt8, UInt8, UInt8, UInt8) = (none, none, none, none)
    /// The role of each source.
    public var roles: (OperandRole, OperandRole, OperandRole, OperandRole) = (.operand, .operand, .operand, .operand)
    /// How many sources are listed.
    public var sourceCount: Int = 0
    /// The primary destination (Rd or Rt), or `none`.
    public var result: UInt8 = none
    /// The second destination of a load pair (Rt2), or `none`.
    public var secondResult: UInt8 = none
    /// The base register a pre- or post-indexed access writes back, or `none`.
    public var writtenBase: UInt8 = none
    /// Whether the instruction sets NZCV.
    public var writesFlags = false

    public init() {}

    /// Source `index` (0..<sourceCount) and its role.
    @inlinable
    public func source(_ index: Int) -> (slot: UInt8, role: OperandRole) {
        switch index {
        case 0: return (sources.0, roles.0)
        case 1: return (sources.1, roles.1)
        case 2: return (sources.2, roles.2)
        default: return (sources.3, roles.3)
        }
    }

    /// Whether the instruction reads `slot`.
    public func reads(_ slot: UInt8) -> Bool {
        (0..<sourceCount).contains { source($0).slot == slot }
    }

    /// Every slot written: result, second result, written-back base and NZCV.
    public var writtenSlots: [UInt8] {
        [result, secondResult, writtenBase, writesFlags ? Self.flags : Self.none].filter { $0 != Self.none }
    }

    /// Lists `slot` as a source read in `role` (the zero register and discarded slots are skipped).
    @inlinable
    public mutating func read(_ slot: UInt8, as role: OperandRole) {
        guard slot != RegisterSlot.zero, slot != RegisterSlot.discard, sourceCount < Self.maximumSources else { return }
        switch sourceCount {
        case 0: sources.0 = slot; roles.0 = role
        case 1: sources.1 = slot; roles.1 = role
        case 2: sources.2 = slot; roles.2 = role
        default: sources.3 = slot; roles.3 = role
        }
        sourceCount += 1
    }

    /// Lists `slot` as the result, or as the second result if there already is one.
    @inlinable
    public mutating func write(_ slot: UInt8) {
        guard slot != RegisterSlot.discard, slot != RegisterSlot.zero else { return }
        if result == Self.none { result = slot } else { secondResult = slot }
    }

    /// Lists `slot` as a base register written back by a pre- or post-indexed access.
    @inlinable
    public mutating func writeBack(_ slot: UInt8) {
        writtenBase = slot
    }

    /// Records that NZCV is written.
    @inlinable
    public mutating func setFlags() { writesFlags = true }

    /// Lists NZCV as a source (a condition).
    @inlinable
    public mutating func readFlags() { read(Self.flags, as: .condition) }
}

extension Instruction {
    /// The registers this instruction reads and writes, derived from its operation and slots.
    @inlinable
    public var registerUse: RegisterUse {
        var use = RegisterUse()
        switch operation {
        case .undefined, .branch, .exceptionReturn, .supervisorCall, .breakpoint, .halt, .hint,
             .waitForInterrupt, .waitForEvent, .clearExclusive, .dataSynchronizationBarrier, .dataMemoryBarrier,
             .instructionSynchronizationBarrier, .moveToProcessState:
            break
        case .loadConstant:
            use.write(rd)
        case .moveKeep, .andImmediate, .orrImmediate, .eorImmediate, .addImmediate, .unsignedBitfieldExtract,
             .unsignedBitfieldInsertZero, .signedBitfieldExtract, .signedBitfieldInsertZero, .reverseBits,
             .reverseBytes16, .reverseBytes32, .reverseBytes, .countLeadingZeros, .countLeadingSignBits,
             .addImmediateSetFlags, .subImmediateSetFlags, .andImmediateSetFlags:
            use.read(rn, as: .operand)
            use.write(rd)
        case .bitfieldExtractInsert, .bitfieldInsert, .extract, .shiftLeftVariable, .shiftRightVariable,
             .shiftRightArithmeticVariable, .rotateRightVariable:
            use.read(rn, as: .operand)
            use.read(rm, as: .operand)
            use.write(rd)
        case .moveRegister:
            use.read(rm, as: .operand)
            use.write(rd)
        case .andShifted, .bicShifted, .orrShifted, .ornShifted, .eorShifted, .eonShifted, .addShifted, .subShifted,
             .andShiftedSetFlags, .bicShiftedSetFlags, .addShiftedSetFlags, .subShiftedSetFlags:
            use.read(rn, as: .operand)
            use.read(rm, as: amount == 0 ? .operand : .shiftedOperand)
            use.write(rd)
        case .addExtended, .subExtended, .addExtendedSetFlags, .subExtendedSetFlags:
            use.read(rn, as: .operand)
            use.read(rm, as: .shiftedOperand)
            use.write(rd)
        case .addWithCarry, .subWithCarry, .addWithCarrySetFlags, .subWithCarrySetFlags:
            use.read(rn, as: .operand)
            use.read(rm, as: .operand)
            use.readFlags()
            use.write(rd)
        case .conditionalCompare, .conditionalCompareNegative:
            use.read(rn, as: .operand)
            use.read(rm, as: .operand)
            use.readFlags()
        case .conditionalSelect, .conditionalSelectIncrement, .conditionalSelectInvert, .conditionalSelectNegate:
            use.read(rn, as: .operand)
            use.read(rm, as: .operand)
            use.readFlags()
            use.write(rd)
        case .unsignedDivide, .signedDivide:
            use.read(rn, as: .divideOperand)
            use.read(rm, as: .divideOperand)
            use.write(rd)
        case .multiplyAdd, .multiplySubtract, .signedMultiplyAddLong, .signedMultiplySubtractLong,
             .unsignedMultiplyAddLong, .unsignedMultiplySubtractLong:
            use.read(rn, as: .multiplicand)
            use.read(rm, as: .multiplicand)
            use.read(ra, as: .accumulator)
            use.write(rd)
        case .signedMultiplyHigh, .unsignedMultiplyHigh:
            use.read(rn, as: .multiplicand)
            use.read(rm, as: .multiplicand)
            use.write(rd)
        case .load, .loadAcquire:
            use.read(rn, as: .address)
            use.write(rd)
            if flags.contains(.writeback) { use.writeBack(rn) }
        case .loadLiteral:
            use.write(rd)
        case .loadRegisterOffset:
            use.read(rn, as: .address)
            use.read(rm, as: .address)
            use.write(rd)
        case .loadPair, .loadExclusivePair:
            use.read(rn, as: .address)
            use.write(rd)
            use.write(ra)
            if flags.contains(.writeback) { use.writeBack(rn) }
        case .loadExclusive:
            use.read(rn, as: .address)
            use.write(rd)
        case .store, .storeRelease:
            use.read(rd, as: .storeData)
            use.read(rn, as: .address)
            if flags.contains(.writeback) { use.writeBack(rn) }
        case .storeRegisterOffset:
            use.read(rd, as: .storeData)
            use.read(rn, as: .address)
            use.read(rm, as: .address)
        case .storePair:
            use.read(rd, as: .storeData)
            use.read(ra, as: .storeData)
            use.read(rn, as: .address)
            if flags.contains(.writeback) { use.writeBack(rn) }
        case .storeExclusive, .storeExclusivePair:
            use.read(rd, as: .storeData)
            if operation == .storeExclusivePair { use.read(ra, as: .storeData) }
            use.read(rn, as: .address)
            use.write(rm)
        case .prefetch:
            if encoding != .PRFM_lit { use.read(rn, as: .address) }
        case .branchLink:
            use.write(30)
        case .branchConditional:
            use.readFlags()
        case .compareBranchZero, .compareBranchNonZero, .testBranchZero, .testBranchNonZero:
            use.read(rn, as: .condition)
        case .branchRegister, .returnFromSubroutine:
            use.read(rn, as: .transfer)
        case .branchLinkRegister:
            use.read(rn, as: .transfer)
            use.write(30)
        case .readSystemRegister:
            use.write(rd)
        case .writeSystemRegister:
            use.read(rn, as: .transfer)
        case .cacheMaintenance:
            if let operation = CacheOperation(rawValue: option), operation != .icIallU, operation != .icIallUIS,
               operation != .dcIsw, operation != .dcCsw, operation != .dcCisw {
                use.read(rn, as: .address)
            }
        case .zeroCacheBlock:
            use.read(rn, as: .address)
        }
        if operation.setsFlags { use.setFlags() }
        return use
    }
}
