import A64

/// How the general executor left an instruction.
enum GenericOutcome {
    /// It completed and the block goes on with the next instruction.
    case next
    /// It completed and ended the block (a branch, a system change, a write that asked for a
    /// block break); `pc` is the next instruction.
    case endBlock
    /// It took an exception, or stopped the machine, after counting (or not counting) itself as
    /// the architecture says; `pc` is set.
    case exited
}

extension Machine {
    /// The general executor: runs the instruction in slot `index` of `page` (at `address`) with every
    /// check and slow path. It counts and retires the instruction itself; the caller has counted
    /// every instruction before it.
    ///
    /// Stops the block after an instruction that ends one, after a write that asked for a block
    /// break (device access, write to code), or when the instruction takes an exception.
    @inline(never)
    func executeGeneric<Model: CycleModel>(page: CodePage, index: Int, address: UInt64, model: inout Model) -> GenericOutcome {
        let x = registers
        let inst = page.instructions[index]
        let observer = controlFlowObserver
        var nextPC = address &+ 4
        var dataAddress: UInt64 = 0
        var endsBlock = false
        let rd = Int(inst.rd), rn = Int(inst.rn), rm = Int(inst.rm)
        let is64 = inst.flags.contains(.is64)
        let widthMask: UInt64 = is64 ? ~0 : 0xFFFF_FFFF

        switch inst.operation {
        case .undefined:
            pc = address
            takeSynchronousException(.undefinedInstruction, returnAddress: address, model: &model)
            return .exited

        // MARK: Immediates
        case .loadConstant:
            x[rd] = inst.imm
        case .moveKeep:
            let shift = UInt64(inst.amount)
            x[rd] = ((x[rn] & ~(0xFFFF &<< shift)) | (inst.imm &<< shift)) & widthMask
        case .addImmediate:
            x[rd] = (x[rn] &+ inst.imm) & widthMask
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .addImmediateSetFlags:
            let (result, flags) = Arithmetic.addWithCarry(x[rn], inst.imm, carry: 0, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .subImmediateSetFlags:
            let (result, flags) = Arithmetic.addWithCarry(x[rn], ~inst.imm, carry: 1, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .andImmediate:
            x[rd] = x[rn] & inst.imm
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .orrImmediate:
            x[rd] = (x[rn] | inst.imm) & widthMask
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .eorImmediate:
            x[rd] = (x[rn] ^ inst.imm) & widthMask
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .andImmediateSetFlags:
            let result = x[rn] & inst.imm
            x[rd] = result
            pstate.nzcv = Arithmetic.logicalFlags(result, is64: is64)
        case .unsignedBitfieldExtract:
            x[rd] = (x[rn] &>> UInt64(inst.amount)) & BitMasks.ones(Int(inst.size))
        case .unsignedBitfieldInsertZero:
            x[rd] = ((x[rn] & BitMasks.ones(Int(inst.size))) &<< UInt64(inst.amount)) & widthMask
        case .signedBitfieldExtract:
            let field = (x[rn] &>> UInt64(inst.amount)) & BitMasks.ones(Int(inst.size))
            x[rd] = BitMasks.signExtend(field, bits: Int(inst.size)) & widthMask
        case .signedBitfieldInsertZero:
            let field = BitMasks.signExtend(x[rn] & BitMasks.ones(Int(inst.size)), bits: Int(inst.size))
            x[rd] = (field &<< UInt64(inst.amount)) & widthMask
        case .bitfieldExtractInsert:
            let fieldMask = BitMasks.ones(Int(inst.size))
            x[rd] = ((x[rm] & ~fieldMask) | ((x[rn] &>> UInt64(inst.amount)) & fieldMask)) & widthMask
        case .bitfieldInsert:
            let fieldMask = BitMasks.ones(Int(inst.size)) &<< UInt64(inst.amount)
            x[rd] = ((x[rm] & ~fieldMask) | ((x[rn] &<< UInt64(inst.amount)) & fieldMask)) & widthMask
        case .extract:
            x[rd] = Arithmetic.extract(high: x[rn], low: x[rm], lsb: Int(inst.amount), is64: is64)

        // MARK: Register data processing
        case .moveRegister:
            x[rd] = x[rm] & widthMask
        case .andShifted:
            x[rd] = x[rn] & Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64) & widthMask
        case .bicShifted:
            x[rd] = x[rn] & ~Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64) & widthMask
        case .orrShifted:
            x[rd] = (x[rn] | Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .ornShifted:
            x[rd] = (x[rn] | ~Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .eorShifted:
            x[rd] = (x[rn] ^ Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .eonShifted:
            x[rd] = (x[rn] ^ ~Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .andShiftedSetFlags:
            let result = x[rn] & Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64) & widthMask
            x[rd] = result
            pstate.nzcv = Arithmetic.logicalFlags(result, is64: is64)
        case .bicShiftedSetFlags:
            let result = x[rn] & ~Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64) & widthMask
            x[rd] = result
            pstate.nzcv = Arithmetic.logicalFlags(result, is64: is64)
        case .addShifted:
            x[rd] = (x[rn] &+ Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .subShifted:
            x[rd] = (x[rn] &- Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)) & widthMask
        case .addShiftedSetFlags:
            let operand = Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)
            let (result, flags) = Arithmetic.addWithCarry(x[rn], operand, carry: 0, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .subShiftedSetFlags:
            let operand = Arithmetic.shift(x[rm], inst.option, inst.amount, is64: is64)
            let (result, flags) = Arithmetic.addWithCarry(x[rn], ~operand, carry: 1, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .addExtended:
            x[rd] = (x[rn] &+ Arithmetic.extend(x[rm], inst.option, shift: inst.amount)) & widthMask
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .subExtended:
            x[rd] = (x[rn] &- Arithmetic.extend(x[rm], inst.option, shift: inst.amount)) & widthMask
            if rd == Int(RegisterSlot.stackPointer) { noteStackPointer(x[rd]) }
        case .addExtendedSetFlags:
            let operand = Arithmetic.extend(x[rm], inst.option, shift: inst.amount)
            let (result, flags) = Arithmetic.addWithCarry(x[rn], operand, carry: 0, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .subExtendedSetFlags:
            let operand = Arithmetic.extend(x[rm], inst.option, shift: inst.amount)
            let (result, flags) = Arithmetic.addWithCarry(x[rn], ~operand, carry: 1, is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .addWithCarry:
            x[rd] = Arithmetic.addWithCarry(x[rn], x[rm], carry: UInt64(pstate.nzcv >> 29 & 1), is64: is64).0
        case .addWithCarrySetFlags:
            let (result, flags) = Arithmetic.addWithCarry(x[rn], x[rm], carry: UInt64(pstate.nzcv >> 29 & 1), is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .subWithCarry:
            x[rd] = Arithmetic.addWithCarry(x[rn], ~x[rm], carry: UInt64(pstate.nzcv >> 29 & 1), is64: is64).0
        case .subWithCarrySetFlags:
            let (result, flags) = Arithmetic.addWithCarry(x[rn], ~x[rm], carry: UInt64(pstate.nzcv >> 29 & 1), is64: is64)
            x[rd] = result
            pstate.nzcv = flags
        case .conditionalCompare, .conditionalCompareNegative:
            if Condition.holds(inst.option, nzcv: pstate.nzcv) {
                let operand = inst.flags.contains(.immediateOperand) ? inst.imm : x[rm]
                let negative = inst.operation == .conditionalCompareNegative
                pstate.nzcv = Arithmetic.addWithCarry(x[rn], negative ? operand : ~operand,
                                                      carry: negative ? 0 : 1, is64: is64).1
            } else {
                pstate.nzcv = UInt32(inst.amount) << 28
            }
        case .conditionalSelect:
            x[rd] = (Condition.holds(inst.option, nzcv: pstate.nzcv) ? x[rn] : x[rm]) & widthMask
        case .conditionalSelectIncrement:
            x[rd] = (Condition.holds(inst.option, nzcv: pstate.nzcv) ? x[rn] : x[rm] &+ 1) & widthMask
        case .conditionalSelectInvert:
            x[rd] = (Condition.holds(inst.option, nzcv: pstate.nzcv) ? x[rn] : ~x[rm]) & widthMask
        case .conditionalSelectNegate:
            x[rd] = (Condition.holds(inst.option, nzcv: pstate.nzcv) ? x[rn] : 0 &- x[rm]) & widthMask
        case .reverseBits:
            x[rd] = is64 ? Arithmetic.reverseBits(x[rn]) : Arithmetic.reverseBits(x[rn]) >> 32
        case .reverseBytes16:
            let value = x[rn]
            x[rd] = (((value & 0x00FF_00FF_00FF_00FF) &<< 8) | ((value &>> 8) & 0x00FF_00FF_00FF_00FF)) & widthMask
        case .reverseBytes32:
            let swapped = x[rn].byteSwapped
            x[rd] = (swapped &>> 32) | (swapped &<< 32)
        case .reverseBytes:
            x[rd] = is64 ? x[rn].byteSwapped : UInt64(UInt32(truncatingIfNeeded: x[rn]).byteSwapped)
        case .countLeadingZeros:
            x[rd] = is64 ? UInt64(x[rn].leadingZeroBitCount)
                : UInt64(UInt32(truncatingIfNeeded: x[rn]).leadingZeroBitCount)
        case .countLeadingSignBits:
            x[rd] = Arithmetic.countLeadingSignBits(x[rn], is64: is64)
        case .unsignedDivide:
            let divisor = x[rm] & widthMask
            x[rd] = divisor == 0 ? 0 : (x[rn] & widthMask) / divisor
        case .signedDivide:
            x[rd] = Arithmetic.signedDivide(x[rn], x[rm], is64: is64)
        case .shiftLeftVariable:
            x[rd] = (x[rn] &<< (x[rm] & (is64 ? 63 : 31))) & widthMask
        case .shiftRightVariable:
            x[rd] = (x[rn] & widthMask) &>> (x[rm] & (is64 ? 63 : 31))
        case .shiftRightArithmeticVariable:
            x[rd] = Arithmetic.shift(x[rn], ShiftType.asr.rawValue, UInt8(x[rm] & (is64 ? 63 : 31)), is64: is64)
        case .rotateRightVariable:
            x[rd] = Arithmetic.shift(x[rn], ShiftType.ror.rawValue, UInt8(x[rm] & (is64 ? 63 : 31)), is64: is64)
        case .multiplyAdd:
            x[rd] = (x[Int(inst.ra)] &+ x[rn] &* x[rm]) & widthMask
        case .multiplySubtract:
            x[rd] = (x[Int(inst.ra)] &- x[rn] &* x[rm]) & widthMask
        case .signedMultiplyAddLong:
            x[rd] = x[Int(inst.ra)] &+ Arithmetic.signedProduct32(x[rn], x[rm])
        case .signedMultiplySubtractLong:
            x[rd] = x[Int(inst.ra)] &- Arithmetic.signedProduct32(x[rn], x[rm])
        case .unsignedMultiplyAddLong:
            x[rd] = x[Int(inst.ra)] &+ (x[rn] & 0xFFFF_FFFF) &* (x[rm] & 0xFFFF_FFFF)
        case .unsignedMultiplySubtractLong:
            x[rd] = x[Int(inst.ra)] &- (x[rn] & 0xFFFF_FFFF) &* (x[rm] & 0xFFFF_FFFF)
        case .signedMultiplyHigh:
            x[rd] = UInt64(bitPattern: Int64(bitPattern: x[rn]).multipliedFullWidth(by: Int64(bitPattern: x[rm])).high)
        case .unsignedMultiplyHigh:
            x[rd] = x[rn].multipliedFullWidth(by: x[rm]).high

        // MARK: Loads and stores
        case .load, .loadRegisterOffset, .loadLiteral, .loadAcquire:
            let base = inst.operation == .loadLiteral ? 0 : x[rn]
            let target: UInt64
            switch inst.operation {
            case .loadLiteral: target = inst.imm
            case .loadRegisterOffset: target = base &+ Arithmetic.extend(x[rm], inst.option, shift: inst.amount)
            case .loadAcquire: target = base
            default: target = inst.flags.contains(.postIndex) ? base : base &+ inst.imm
            }
            // SCTLR_EL1.A checks every access; load-acquire must be aligned whatever it says.
            let alignment = system.alignmentCheck || inst.operation == .loadAcquire ? UInt64(inst.size) : 1
            guard accessChecksPass(base: base, rn: rn, target: target, alignment: alignment, write: false,
                                   address: address, model: &model) else { return .exited }
            guard let raw = memory.read(target, size: Int(inst.size)) else {
                return dataAbort(write: false, at: target, address: address, model: &model)
            }
            x[rd] = Arithmetic.loadedValue(raw, size: inst.size, flags: inst.flags)
            if inst.flags.contains(.writeback) { writeBack(base &+ inst.imm, to: rn) }
            dataAddress = target
            endsBlock = blockBreakRequested
        case .store, .storeRegisterOffset, .storeRelease:
            let base = x[rn]
            let target: UInt64
            switch inst.operation {
            case .storeRegisterOffset: target = base &+ Arithmetic.extend(x[rm], inst.option, shift: inst.amount)
            case .storeRelease: target = base
            default: target = inst.flags.contains(.postIndex) ? base : base &+ inst.imm
            }
            // SCTLR_EL1.A checks every access; store-release must be aligned whatever it says.
            let alignment = system.alignmentCheck || inst.operation == .storeRelease ? UInt64(inst.size) : 1
            guard accessChecksPass(base: base, rn: rn, target: target, alignment: alignment, write: true,
                                   address: address, model: &model) else { return .exited }
            currentStorePC = address
            guard memory.write(target, size: Int(inst.size), value: x[rd]) else {
                return dataAbort(write: true, at: target, address: address, model: &model)
            }
            if inst.flags.contains(.writeback) { writeBack(base &+ inst.imm, to: rn) }
            dataAddress = target
            endsBlock = blockBreakRequested
        case .loadPair:
            let base = x[rn]
            let target = inst.flags.contains(.postIndex) ? base : base &+ inst.imm
            let size = UInt64(inst.size)
            guard accessChecksPass(base: base, rn: rn, target: target, alignment: system.alignmentCheck ? size : 1,
                                   write: false, address: address, model: &model) else { return .exited }
            guard let first = memory.read(target, size: Int(size)) else {
                return dataAbort(write: false, at: target, address: address, model: &model)
            }
            guard let second = memory.read(target &+ size, size: Int(size)) else {
                return dataAbort(write: false, at: target &+ size, address: address, model: &model)
            }
            x[rd] = Arithmetic.loadedValue(first, size: inst.size, flags: inst.flags)
            x[Int(inst.ra)] = Arithmetic.loadedValue(second, size: inst.size, flags: inst.flags)
            if inst.flags.contains(.writeback) { writeBack(base &+ inst.imm, to: rn) }
            dataAddress = target
            endsBlock = blockBreakRequested
        case .storePair:
            let base = x[rn]
            let target = inst.flags.contains(.postIndex) ? base : base &+ inst.imm
            let size = UInt64(inst.size)
            guard accessChecksPass(base: base, rn: rn, target: target, alignment: system.alignmentCheck ? size : 1,
                                   write: true, address: address, model: &model) else { return .exited }
            currentStorePC = address
            let first = x[rd], second = x[Int(inst.ra)]
            guard memory.write(target, size: Int(size), value: first) else {
                return dataAbort(write: true, at: target, address: address, model: &model)
            }
            guard memory.write(target &+ size, size: Int(size), value: second) else {
                return dataAbort(write: true, at: target &+ size, address: address, model: &model)
            }
            if inst.flags.contains(.writeback) { writeBack(base &+ inst.imm, to: rn) }
            dataAddress = target
            endsBlock = blockBreakRequested
        case .loadExclusive, .loadExclusivePair:
            let target = x[rn]
            let size = Int(inst.size)
            let isPair = inst.operation == .loadExclusivePair
            // Exclusives must be aligned to the whole access (both registers of a pair).
            guard accessChecksPass(base: target, rn: rn, target: target, alignment: UInt64(isPair ? 2 * size : size),
                                   write: false, address: address, model: &model) else { return .exited }
            guard let first = memory.read(target, size: size),
                  let second = isPair ? memory.read(target &+ UInt64(size), size: size) : 0 else {
                return dataAbort(write: false, at: target, address: address, model: &model)
            }
            x[rd] = first
            if isPair { x[Int(inst.ra)] = second }
            exclusiveMonitor = (target, isPair ? 2 * size : size)
            dataAddress = target
        case .storeExclusive, .storeExclusivePair:
            let target = x[rn]
            let size = Int(inst.size)
            let isPair = inst.operation == .storeExclusivePair
            let totalSize = isPair ? 2 * size : size
            // The alignment check comes before the monitor check (ExclusiveMonitorsPass).
            guard accessChecksPass(base: target, rn: rn, target: target, alignment: UInt64(totalSize), write: true,
                                   address: address, model: &model) else { return .exited }
            if let monitor = exclusiveMonitor, monitor.address == target, monitor.size == totalSize {
                currentStorePC = address
                let first = x[rd], second = x[Int(inst.ra)]
                guard memory.write(target, size: size, value: first),
                      !isPair || memory.write(target &+ UInt64(size), size: size, value: second) else {
                    return dataAbort(write: true, at: target, address: address, model: &model)
                }
                x[rm] = 0
            } else {
                x[rm] = 1
            }
            exclusiveMonitor = nil
            dataAddress = target
            endsBlock = blockBreakRequested
        case .prefetch:
            dataAddress = inst.imm &+ (inst.encoding == .PRFM_lit ? 0 : x[rn])

        // MARK: Branches
        case .branch:
            nextPC = inst.imm
            endsBlock = true
            observer?.branched(from: address, to: nextPC, stackPointer: x[Int(RegisterSlot.stackPointer)])
        case .branchLink:
            x[30] = address &+ 4
            nextPC = inst.imm
            endsBlock = true
            observer?.called(from: address, to: nextPC, returnAddress: address &+ 4,
                             stackPointer: x[Int(RegisterSlot.stackPointer)])
        case .branchConditional:
            if Condition.holds(inst.option, nzcv: pstate.nzcv) { nextPC = inst.imm }
            endsBlock = true
        case .compareBranchZero:
            if x[rn] & widthMask == 0 { nextPC = inst.imm }
            endsBlock = true
        case .compareBranchNonZero:
            if x[rn] & widthMask != 0 { nextPC = inst.imm }
            endsBlock = true
        case .testBranchZero:
            if x[rn] &>> UInt64(inst.amount) & 1 == 0 { nextPC = inst.imm }
            endsBlock = true
        case .testBranchNonZero:
            if x[rn] &>> UInt64(inst.amount) & 1 == 1 { nextPC = inst.imm }
            endsBlock = true
        case .branchRegister:
            nextPC = x[rn]
            endsBlock = true
            observer?.branched(from: address, to: nextPC, stackPointer: x[Int(RegisterSlot.stackPointer)])
        case .branchLinkRegister:
            nextPC = x[rn]
            x[30] = address &+ 4
            endsBlock = true
            observer?.called(from: address, to: nextPC, returnAddress: address &+ 4,
                             stackPointer: x[Int(RegisterSlot.stackPointer)])
        case .returnFromSubroutine:
            nextPC = x[rn]
            endsBlock = true
            observer?.returned(from: address, to: nextPC, stackPointer: x[Int(RegisterSlot.stackPointer)])
        case .exceptionReturn:
            counters.instructions &+= 1
            returnFromException(at: address)
            model.retire(page.timing[index], pc: address, nextPC: pc, dataAddress: 0)
            return .exited

        // MARK: Exceptions and system
        case .supervisorCall:
            counters.instructions &+= 1
            model.retire(page.timing[index], pc: address, nextPC: address &+ 4, dataAddress: 0)
            // SVC counts as stepped: the step exception is due after the handler returns.
            pstate.singleStep = false
            takeSynchronousException(.supervisorCall(UInt16(inst.imm)), at: address, returnAddress: address &+ 4, model: &model)
            return .exited
        case .breakpoint:
            counters.instructions &+= 1
            model.retire(page.timing[index], pc: address, nextPC: address, dataAddress: 0)
            takeSynchronousException(.breakpoint(UInt16(inst.imm)), returnAddress: address, model: &model)
            return .exited
        case .halt:
            counters.instructions &+= 1
            model.retire(page.timing[index], pc: address, nextPC: address &+ 4, dataAddress: 0)
            pc = address &+ 4
            if inst.imm == Self.semihostingImmediate {
                performSemihostingCall(at: address)
            } else {
                pendingStop = .halted(immediate: UInt16(inst.imm), pc: address)
            }
            return .exited
        case .dataSynchronizationBarrier:
            trackDataSynchronizationBarrier(option: inst.option)
            endsBlock = inst.operation.endsBlock
        case .instructionSynchronizationBarrier:
            trackContextSynchronization()
            endsBlock = inst.operation.endsBlock
        case .hint, .waitForInterrupt, .waitForEvent, .dataMemoryBarrier:
            endsBlock = inst.operation.endsBlock
        case .clearExclusive:
            exclusiveMonitor = nil
        case .moveToProcessState:
            applyProcessStateWrite(field: inst.option, value: inst.imm)
            endsBlock = true
        case .readSystemRegister:
            guard let value = readSystemRegister(UInt16(inst.imm)) else {
                takeSynchronousException(.undefinedInstruction, returnAddress: address, model: &model)
                return .exited
            }
            x[rd] = value
        case .writeSystemRegister:
            switch writeSystemRegister(UInt16(inst.imm), value: x[rn], at: address) {
            case .written:
                endsBlock = true
            case .undefined:
                takeSynchronousException(.undefinedInstruction, returnAddress: address, model: &model)
                return .exited
            case .stopped:
                return .exited
            }
        case .cacheMaintenance:
            let operation = CacheOperation(rawValue: inst.option) ?? .icIallU
            // With the MMU off there is no translation to fault, and maintenance by address
            // makes no access that could abort: an address with nothing behind it is fine.
            if operation.takesAddress { dataAddress = x[rn] }
            trackCacheMaintenance(operation, address: x[rn])
        case .zeroCacheBlock:
            let target = x[rn] & ~(CoreIdentification.zeroBlockSize - 1)
            currentStorePC = address
            for offset in stride(from: UInt64(0), to: CoreIdentification.zeroBlockSize, by: 8) {
                guard memory.write(target &+ offset, size: 8, value: 0) else {
                    return dataAbort(write: true, at: target &+ offset, address: address, model: &model)
                }
            }
            dataAddress = target
            endsBlock = blockBreakRequested
        }


        counters.instructions &+= 1
        model.retire(page.timing[index], pc: address, nextPC: nextPC, dataAddress: dataAddress)
        if endsBlock {
            blockBreakRequested = false
            pc = nextPC
            return .endBlock
        }
        return .next
    }

    @inline(__always)
    private func misalignedStack(_ value: UInt64) -> Bool {
        value & 15 != 0 && system.stackAlignmentCheck
    }

    /// Takes the data abort of the instruction at `address` for a store (`write`) or load at
    /// `target` (an unmapped address); what `executeGeneric` returns after it.
    private func dataAbort<Model: CycleModel>(write: Bool, at target: UInt64, address: UInt64,
                                              model: inout Model) -> GenericOutcome {
        takeSynchronousException(.dataAbort(write: write), returnAddress: address, faultAddress: target, model: &model)
        return .exited
    }

    /// Whether an access at `target` from base register `rn` (holding `base`) may go ahead: false
    /// once the exception for a misaligned stack pointer base (SCTLR_EL1.SA) or for a `target`
    /// not aligned to `alignment` bytes (1: no requirement) has been taken, in that order.
    private func accessChecksPass<Model: CycleModel>(base: UInt64, rn: Int, target: UInt64, alignment: UInt64, write: Bool,
                                                     address: UInt64, model: inout Model) -> Bool {
        if rn == Int(RegisterSlot.stackPointer) && misalignedStack(base) {
            takeSynchronousException(.stackPointerAlignment, returnAddress: address, model: &model)
            return false
        }
        if target & (alignment &- 1) != 0 {
            takeSynchronousException(.alignmentFault(write: write), returnAddress: address, faultAddress: target, model: &model)
            return false
        }
        return true
    }

    @inline(__always)
    private func writeBack(_ value: UInt64, to slot: Int) {
        registers[slot] = value
        if slot == Int(RegisterSlot.stackPointer) { noteStackPointer(value) }
    }

    private func applyProcessStateWrite(field: UInt8, value: UInt64) {
        switch PSTATEField(rawValue: field) {
        case .spsel: selectStackPointer(exceptionStack: value & 1 == 1)
        case .daifSet: pstate.daif |= UInt32(value & 0xF) << 6
        case .daifClear: pstate.daif &= ~(UInt32(value & 0xF) << 6)
        case nil: break
        }
    }
}

extension CacheOperation {
    /// Whether the operation names a virtual address in its register operand.
    var takesAddress: Bool {
        switch self {
        case .icIvaU, .dcIvaC, .dcCvaC, .dcCvaU, .dcCivaC: return true
        case .icIallUIS, .icIallU, .dcIsw, .dcCsw, .dcCisw: return false
        }
    }
}
