import A64

extension Machine {
    /// Executes predecoded blocks from slot `start` of `page`, at most `budget` instructions
    /// (`budget` ≥ 1). It goes on from block to block within `chain` while nothing needs the run
    /// loop: it returns after a block that ends in an instruction the general executor handled
    /// (exceptions, system instructions, device or code writes), before a PC hook, a misaligned
    /// or unmapped PC or a block `chain` leaves out, or when the budget is spent; a chained block
    /// runs no further than `chain` allows. (A budget of 1 runs one instruction.)
    ///
    /// On return `pc` is the next instruction, `counters.instructions` counts every instruction
    /// that completed and (for a model that does not time each instruction) the model has been told.
    ///
    /// The common instructions run here from their `MicroOp`; anything else, and any case their
    /// fast paths do not cover, runs in `executeGeneric`. Instruction counts and NZCV are kept in
    /// locals and handed over before anything outside this loop can look at them (the general
    /// executor, a control-flow observer, the caller).
    func executeBlocks<Model: CycleModel, Chain: BlockChainBounds>(page startPage: CodePage, from start: Int, budget: UInt64, chain: Chain,
                                          model: inout Model) {
        let x = registers
        let readTLB = memory.readTLB
        let writeTLB = memory.writeTLB
        let observing = controlFlowObserver != nil
        let trail = recentBlocks
        let trailStarts = trail.starts, trailLengths = trail.lengths
        var trailNext = trail.next
        // Pages live as long as the decode cache: no reference counting while moving between them.
        var page = Unmanaged.passUnretained(startPage)
        var ops = startPage.ops
        var lengths = startPage.blockLengths
        var hooked = startPage.hooked
        var pageBase = startPage.base
        var addressBias = Self.addressBias(of: ops, base: pageBase)
        var index = start
        var remaining = budget
        /// What the current block may run: `remaining`, or less where the chain's range ends.
        var blockBudget = min(budget, chain.instructions(from: startPage.base &+ UInt64(truncatingIfNeeded: start &<< 2)))
        var nzcv = pstate.nzcv
        /// Retired instructions and entered blocks not yet added to `counters` (and the model).
        var pending = 0
        var blocks = 0
        /// Runs and data addresses in `retireRuns`/`retireData` not yet reported to a model that
        /// times each instruction. Every instruction stores its data address as it retires; a run
        /// is recorded when it ends (a block's end, or before the general executor or an observer).
        let runBuffer = retireRuns, dataBuffer = retireData
        var runs = 0
        var batched = 0
        var timing = startPage.timing
        defer {
            if Model.timesEachInstruction { Self.handOver(runBuffer, runs: &runs, dataAddresses: dataBuffer, batched: &batched, to: &model) }
            counters.instructions &+= UInt64(pending)
            if !Model.timesEachInstruction { model.retire(count: UInt64(pending)) }
            counters.blocksEntered &+= UInt64(blocks)
            trail.next = trailNext
            trail.count &+= blocks
            pstate.nzcv = nzcv
        }

        while true {
            var length = Int(lengths[index])
            if length == 0 { length = page._withUnsafeGuaranteedRef { $0.blockLength(at: index) } }
            if UInt64(length) > blockBudget { length = Int(blockBudget) }
            blocks &+= 1
            trailStarts[trailNext] = pageBase &+ UInt64(truncatingIfNeeded: index &<< 2)
            trailLengths[trailNext] = length
            trailNext = (trailNext &+ 1) & (RecentBlockTrail.capacity - 1)
            var op = ops + index
            let end = op + length
            /// The first instruction of the block not yet counted.
            var first = op
            /// The first instruction of the run not yet recorded.
            var runStart = op
            if Model.timesEachInstruction && batched >= Self.retireBatchThreshold {
                // Room for a whole block (at most a page of slots) after the threshold.
                Self.handOver(runBuffer, runs: &runs, dataAddresses: dataBuffer, batched: &batched, to: &model)
            }
            var nextPC: UInt64

            instructions: while true {
                guard op != end else {
                    nextPC = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction)
                    break instructions
                }
                var dataAddress: UInt64 = 0
                /// Where a branch goes (set by branch kinds, which also set `branches`).
                var target: UInt64 = 0
                var branches = false
                var slow = false

                switch op.pointee.kind {
                case .undecoded:
                    page._withUnsafeGuaranteedRef { $0.decode(Self.slot(of: op, in: ops)) }
                    continue instructions
                case .generic:
                    slow = true
                case .nop:
                    break

                // MARK: Data processing
                case .moveConstant:
                    x[Int(op.pointee.rd)] = op.pointee.imm
                case .moveRegister64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rm)]
                case .moveRegister32:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rm)] & 0xFFFF_FFFF
                case .addImmediate64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] &+ op.pointee.imm
                case .addImmediate32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] &+ op.pointee.imm) & 0xFFFF_FFFF
                case .addImmediateToSP:
                    let value = x[Int(op.pointee.rn)] &+ op.pointee.imm
                    x[Int(Self.stackPointerSlot)] = value
                    noteStackPointer(value)
                case .addImmediateSetFlags64:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], op.pointee.imm, carry: 0, is64: true)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .addImmediateSetFlags32:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], op.pointee.imm, carry: 0, is64: false)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .subImmediateSetFlags64:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~op.pointee.imm, carry: 1, is64: true)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .subImmediateSetFlags32:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~op.pointee.imm, carry: 1, is64: false)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .andImmediate:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] & op.pointee.imm
                case .orrImmediate64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] | op.pointee.imm
                case .orrImmediate32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] | op.pointee.imm) & 0xFFFF_FFFF
                case .eorImmediate64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] ^ op.pointee.imm
                case .eorImmediate32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] ^ op.pointee.imm) & 0xFFFF_FFFF
                case .andImmediateSetFlags64:
                    let result = x[Int(op.pointee.rn)] & op.pointee.imm
                    x[Int(op.pointee.rd)] = result
                    nzcv = Arithmetic.logicalFlags(result, is64: true)
                case .andImmediateSetFlags32:
                    let result = x[Int(op.pointee.rn)] & op.pointee.imm
                    x[Int(op.pointee.rd)] = result
                    nzcv = Arithmetic.logicalFlags(result, is64: false)
                case .unsignedBitfieldExtract:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] &>> UInt64(op.pointee.aux8)) & op.pointee.imm
                case .unsignedBitfieldInsertZero:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] & op.pointee.imm) &<< UInt64(op.pointee.aux8)
                case .addShifted64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] &+ (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                case .addShifted32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] &+ Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8)) & 0xFFFF_FFFF
                case .subShifted64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] &- (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                case .subShifted32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] &- Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8)) & 0xFFFF_FFFF
                case .addShiftedSetFlags64:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8), carry: 0, is64: true)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .addShiftedSetFlags32:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8), carry: 0, is64: false)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .subShiftedSetFlags64:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~(x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8)), carry: 1, is64: true)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .subShiftedSetFlags32:
                    let (result, flags) = Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8), carry: 1, is64: false)
                    x[Int(op.pointee.rd)] = result
                    nzcv = flags
                case .andShifted64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] & (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                case .orrShifted64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] | (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                case .orrShifted32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] | Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8)) & 0xFFFF_FFFF
                case .eorShifted64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] ^ (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                case .andShiftedSetFlags64:
                    let result = x[Int(op.pointee.rn)] & (x[Int(op.pointee.rm)] &<< UInt64(op.pointee.aux8))
                    x[Int(op.pointee.rd)] = result
                    nzcv = Arithmetic.logicalFlags(result, is64: true)
                case .andShiftedSetFlags32:
                    let result = x[Int(op.pointee.rn)] & Self.shifted32(x[Int(op.pointee.rm)], op.pointee.aux8) & 0xFFFF_FFFF
                    x[Int(op.pointee.rd)] = result
                    nzcv = Arithmetic.logicalFlags(result, is64: false)
                case .conditionalCompareRegister64:
                    nzcv = Self.holds(op.pointee.conditionMask, nzcv)
                        ? Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~x[Int(op.pointee.rm)], carry: 1, is64: true).1 : UInt32(op.pointee.aux8) << 28
                case .conditionalCompareRegister32:
                    nzcv = Self.holds(op.pointee.conditionMask, nzcv)
                        ? Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~x[Int(op.pointee.rm)], carry: 1, is64: false).1 : UInt32(op.pointee.aux8) << 28
                case .conditionalCompareImmediate64:
                    nzcv = Self.holds(op.pointee.conditionMask, nzcv)
                        ? Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~op.pointee.imm, carry: 1, is64: true).1 : UInt32(op.pointee.aux8) << 28
                case .conditionalCompareImmediate32:
                    nzcv = Self.holds(op.pointee.conditionMask, nzcv)
                        ? Arithmetic.addWithCarry(x[Int(op.pointee.rn)], ~op.pointee.imm, carry: 1, is64: false).1 : UInt32(op.pointee.aux8) << 28
                case .conditionalSelect64:
                    x[Int(op.pointee.rd)] = Self.holds(op.pointee.conditionMask, nzcv) ? x[Int(op.pointee.rn)] : x[Int(op.pointee.rm)]
                case .conditionalSelect32:
                    x[Int(op.pointee.rd)] = (Self.holds(op.pointee.conditionMask, nzcv) ? x[Int(op.pointee.rn)] : x[Int(op.pointee.rm)]) & 0xFFFF_FFFF
                case .conditionalSelectIncrement64:
                    x[Int(op.pointee.rd)] = Self.holds(op.pointee.conditionMask, nzcv) ? x[Int(op.pointee.rn)] : x[Int(op.pointee.rm)] &+ 1
                case .conditionalSelectIncrement32:
                    x[Int(op.pointee.rd)] = (Self.holds(op.pointee.conditionMask, nzcv) ? x[Int(op.pointee.rn)] : x[Int(op.pointee.rm)] &+ 1) & 0xFFFF_FFFF
                case .multiplyAdd64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.ra)] &+ x[Int(op.pointee.rn)] &* x[Int(op.pointee.rm)]
                case .moveKeep64:
                    let shift = UInt64(op.pointee.aux8)
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.rn)] & ~(0xFFFF &<< shift)) | (op.pointee.imm &<< shift)
                case .shiftLeftVariable64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)] &<< (x[Int(op.pointee.rm)] & 63)
                case .addExtended64:
                    x[Int(op.pointee.rd)] = x[Int(op.pointee.rn)]
                        &+ Arithmetic.extend(x[Int(op.pointee.rm)], op.pointee.ra, shift: op.pointee.aux8)
                case .loadRegisterOffset64:
                    let base = x[Int(op.pointee.rn)]
                    let access = base &+ Arithmetic.extend(x[Int(op.pointee.rm)], op.pointee.ra, shift: op.pointee.aux8)
                    if base & UInt64(op.pointee.conditionMask) == 0,
                       let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 7) {
                        x[Int(op.pointee.rd)] = host.load(as: UInt64.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadRegisterOffset32:
                    let base = x[Int(op.pointee.rn)]
                    let access = base &+ Arithmetic.extend(x[Int(op.pointee.rm)], op.pointee.ra, shift: op.pointee.aux8)
                    if base & UInt64(op.pointee.conditionMask) == 0,
                       let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 3) {
                        x[Int(op.pointee.rd)] = UInt64(host.load(as: UInt32.self))
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .multiplyAdd32:
                    x[Int(op.pointee.rd)] = (x[Int(op.pointee.ra)] &+ x[Int(op.pointee.rn)] &* x[Int(op.pointee.rm)]) & 0xFFFF_FFFF

                // MARK: Loads and stores (naturally aligned, TLB hits; the rest is the general executor's)
                case .load64:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 7) {
                        x[Int(op.pointee.rd)] = host.load(as: UInt64.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .load32:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 3) {
                        x[Int(op.pointee.rd)] = UInt64(host.load(as: UInt32.self))
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .load16:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 1) {
                        x[Int(op.pointee.rd)] = UInt64(host.load(as: UInt16.self))
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .load8:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 0) {
                        x[Int(op.pointee.rd)] = UInt64(host.load(as: UInt8.self))
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadSigned32To64:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 3) {
                        x[Int(op.pointee.rd)] = UInt64(bitPattern: Int64(host.load(as: Int32.self)))
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadPreIndex64, .loadPostIndex64:
                    let base = x[Int(op.pointee.rn)]
                    let updated = base &+ op.pointee.imm
                    let access = op.pointee.kind == .loadPreIndex64 ? updated : base
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 7) {
                        x[Int(op.pointee.rd)] = host.load(as: UInt64.self)
                        x[Int(op.pointee.rn)] = updated
                        if op.pointee.rn == Self.stackPointerSlot { noteStackPointer(updated) }
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadLiteral64:
                    if let host = PhysicalMemory.hostAddress(readTLB, op.pointee.imm, alignment: 7) {
                        x[Int(op.pointee.rd)] = host.load(as: UInt64.self)
                        dataAddress = op.pointee.imm
                    } else {
                        slow = true
                    }
                case .loadLiteral32:
                    if let host = PhysicalMemory.hostAddress(readTLB, op.pointee.imm, alignment: 3) {
                        x[Int(op.pointee.rd)] = UInt64(host.load(as: UInt32.self))
                        dataAddress = op.pointee.imm
                    } else {
                        slow = true
                    }
                case .store64:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 7) {
                        host.storeBytes(of: x[Int(op.pointee.rd)], as: UInt64.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .store32:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 3) {
                        host.storeBytes(of: UInt32(truncatingIfNeeded: x[Int(op.pointee.rd)]), as: UInt32.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .store16:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 1) {
                        host.storeBytes(of: UInt16(truncatingIfNeeded: x[Int(op.pointee.rd)]), as: UInt16.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .store8:
                    let base = x[Int(op.pointee.rn)], access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 0) {
                        host.storeBytes(of: UInt8(truncatingIfNeeded: x[Int(op.pointee.rd)]), as: UInt8.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .storePreIndex64, .storePostIndex64:
                    let base = x[Int(op.pointee.rn)]
                    let updated = base &+ op.pointee.imm
                    let access = op.pointee.kind == .storePreIndex64 ? updated : base
                    if base & UInt64(op.pointee.aux8) == 0, let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 7) {
                        host.storeBytes(of: x[Int(op.pointee.rd)], as: UInt64.self)
                        x[Int(op.pointee.rn)] = updated
                        if op.pointee.rn == Self.stackPointerSlot { noteStackPointer(updated) }
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadPair64, .loadPairPreIndex64, .loadPairPostIndex64:
                    let base = x[Int(op.pointee.rn)]
                    let updated = base &+ op.pointee.imm
                    let access = op.pointee.kind == .loadPairPostIndex64 ? base : updated
                    if base & UInt64(op.pointee.aux8) == 0, access & PhysicalMemory.pageOffsetMask <= PhysicalMemory.pageSize - 16,
                       let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 7) {
                        let firstValue = host.load(as: UInt64.self)
                        let secondValue = host.load(fromByteOffset: 8, as: UInt64.self)
                        x[Int(op.pointee.rd)] = firstValue
                        x[Int(op.pointee.rm)] = secondValue
                        if op.pointee.kind != .loadPair64 {
                            x[Int(op.pointee.rn)] = updated
                            if op.pointee.rn == Self.stackPointerSlot { noteStackPointer(updated) }
                        }
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .loadPair32:
                    let base = x[Int(op.pointee.rn)]
                    let access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, access & PhysicalMemory.pageOffsetMask <= PhysicalMemory.pageSize - 8,
                       let host = PhysicalMemory.hostAddress(readTLB, access, alignment: 3) {
                        let firstValue = UInt64(host.load(as: UInt32.self))
                        let secondValue = UInt64(host.load(fromByteOffset: 4, as: UInt32.self))
                        x[Int(op.pointee.rd)] = firstValue
                        x[Int(op.pointee.rm)] = secondValue
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .storePair64, .storePairPreIndex64, .storePairPostIndex64:
                    let base = x[Int(op.pointee.rn)]
                    let updated = base &+ op.pointee.imm
                    let access = op.pointee.kind == .storePairPostIndex64 ? base : updated
                    if base & UInt64(op.pointee.aux8) == 0, access & PhysicalMemory.pageOffsetMask <= PhysicalMemory.pageSize - 16,
                       let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 7) {
                        let firstValue = x[Int(op.pointee.rd)], secondValue = x[Int(op.pointee.rm)]
                        host.storeBytes(of: firstValue, as: UInt64.self)
                        host.storeBytes(of: secondValue, toByteOffset: 8, as: UInt64.self)
                        if op.pointee.kind != .storePair64 {
                            x[Int(op.pointee.rn)] = updated
                            if op.pointee.rn == Self.stackPointerSlot { noteStackPointer(updated) }
                        }
                        dataAddress = access
                    } else {
                        slow = true
                    }
                case .storePair32:
                    let base = x[Int(op.pointee.rn)]
                    let access = base &+ op.pointee.imm
                    if base & UInt64(op.pointee.aux8) == 0, access & PhysicalMemory.pageOffsetMask <= PhysicalMemory.pageSize - 8,
                       let host = PhysicalMemory.hostAddress(writeTLB, access, alignment: 3) {
                        let firstValue = x[Int(op.pointee.rd)], secondValue = x[Int(op.pointee.rm)]
                        host.storeBytes(of: UInt32(truncatingIfNeeded: firstValue), as: UInt32.self)
                        host.storeBytes(of: UInt32(truncatingIfNeeded: secondValue), toByteOffset: 4, as: UInt32.self)
                        dataAddress = access
                    } else {
                        slow = true
                    }

                // MARK: Branches
                case .branch:
                    target = op.pointee.imm
                    branches = true
                case .branchLink:
                    x[30] = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    target = op.pointee.imm
                    branches = true
                case .branchConditional:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if Self.holds(op.pointee.conditionMask, nzcv) { target = op.pointee.imm }
                    branches = true
                case .compareBranchZero64:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] == 0 { target = op.pointee.imm }
                    branches = true
                case .compareBranchZero32:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] & 0xFFFF_FFFF == 0 { target = op.pointee.imm }
                    branches = true
                case .compareBranchNonZero64:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] != 0 { target = op.pointee.imm }
                    branches = true
                case .compareBranchNonZero32:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] & 0xFFFF_FFFF != 0 { target = op.pointee.imm }
                    branches = true
                case .testBranchZero:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] &>> UInt64(op.pointee.aux8) & 1 == 0 { target = op.pointee.imm }
                    branches = true
                case .testBranchNonZero:
                    target = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    if x[Int(op.pointee.rn)] &>> UInt64(op.pointee.aux8) & 1 == 1 { target = op.pointee.imm }
                    branches = true
                case .branchRegister:
                    target = x[Int(op.pointee.rn)]
                    branches = true
                case .branchLinkRegister:
                    target = x[Int(op.pointee.rn)]
                    x[30] = Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction) &+ 4
                    branches = true
                case .returnFromSubroutine:
                    target = x[Int(op.pointee.rn)]
                    branches = true
                }


                if _slowPath(slow) {
                    // The general executor counts and retires the instruction itself.
                    if Model.timesEachInstruction {
                        Self.recordRun(from: runStart, to: op, ops: ops, timing: timing, pageBase: pageBase,
                                       nextPC: Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction),
                                       in: runBuffer, runs: &runs)
                        Self.handOver(runBuffer, runs: &runs, dataAddresses: dataBuffer, batched: &batched, to: &model)
                    }
                    pending &+= Self.slot(of: op, in: first)
                    counters.instructions &+= UInt64(pending)
                    if !Model.timesEachInstruction { model.retire(count: UInt64(pending)) }
                    pending = 0
                    pstate.nzcv = nzcv
                    trail.next = trailNext
                    trail.count &+= blocks
                    counters.blocksEntered &+= UInt64(blocks)
                    blocks = 0
                    let index = Self.slot(of: op, in: ops)
                    let address = pageBase &+ UInt64(truncatingIfNeeded: index &<< 2)
                    let outcome = page._withUnsafeGuaranteedRef {
                        executeGeneric(page: $0, index: index, address: address, model: &model)
                    }
                    nzcv = pstate.nzcv
                    guard case .next = outcome else { return }
                    op += 1
                    first = op
                    runStart = op
                    continue instructions
                }
                if branches {
                    if _slowPath(observing) {
                        // The observer sees the machine's registers and counts as they are before
                        // the branch retires. The cycle model goes on timing the batch as it would
                        // without an observer (handing it over here made batches of a few
                        // instructions wherever walks are verified; see ControlFlowObserver). The
                        // run is still recorded up to the branch: the model times the same
                        // instructions either way, and without it the compiler laid the whole loop
                        // out worse (measured: unobserved suite mix 242.7 -> 245.6 host
                        // instructions per guest instruction, about 3% slower).
                        if Model.timesEachInstruction {
                            Self.recordRun(from: runStart, to: op, ops: ops, timing: timing, pageBase: pageBase,
                                           nextPC: Self.address(of: op, in: ops, base: pageBase, bias: addressBias, timed: Model.timesEachInstruction),
                                           in: runBuffer, runs: &runs)
                            runStart = op
                        }
                        pending &+= Self.slot(of: op, in: first)
                        first = op
                        counters.instructions &+= UInt64(pending)
                        if !Model.timesEachInstruction { model.retire(count: UInt64(pending)) }
                        pending = 0
                        pstate.nzcv = nzcv
                        let index = Self.slot(of: op, in: ops)
                        notifyObserver(of: op.pointee.kind, at: pageBase &+ UInt64(truncatingIfNeeded: index &<< 2), to: target)
                    }
                    if Model.timesEachInstruction {
                        dataBuffer[batched] = 0
                        batched &+= 1
                    }
                    op += 1
                    nextPC = target
                    break instructions
                }
                if Model.timesEachInstruction {
                    dataBuffer[batched] = dataAddress
                    batched &+= 1
                }
                op += 1
            }

            if Model.timesEachInstruction {
                Self.recordRun(from: runStart, to: op, ops: ops, timing: timing, pageBase: pageBase, nextPC: nextPC,
                               in: runBuffer, runs: &runs)
            }
            let executed = Self.slot(of: op, in: ops) &- index
            pending &+= Self.slot(of: op, in: first)
            remaining &-= UInt64(executed)
            // The next block, if nothing needs the run loop first. (The run loop reports a hook
            // before the first block it runs, so only later blocks need checking here.)
            guard remaining > 0, nextPC & 3 == 0, chain.contains(nextPC) else { pc = nextPC; return }
            blockBudget = min(remaining, chain.instructions(from: nextPC))
            if nextPC &- pageBase >= PhysicalMemory.pageSize {
                guard let next = cache.unmanagedPage(containing: nextPC, memory: memory) else { pc = nextPC; return }
                page = next
                next._withUnsafeGuaranteedRef { next in
                    ops = next.ops
                    timing = next.timing
                    lengths = next.blockLengths
                    hooked = next.hooked
                    pageBase = next.base
                    addressBias = Self.addressBias(of: ops, base: pageBase)
                }
            }
            index = Int(truncatingIfNeeded: (nextPC &- pageBase) &>> 2)
            if hooked[index] { pc = nextPC; return }
        }
    }

    /// Tells the control-flow observer about the branch of kind `kind` at `site` going to `target`.
    @inline(never)
    private func notifyObserver(of kind: MicroKind, at site: UInt64, to target: UInt64) {
        guard let observer = controlFlowObserver else { return }
        let stackPointer = registers[Int(RegisterSlot.stackPointer)]
        switch kind {
        case .branch, .branchRegister:
            observer.branched(from: site, to: target, stackPointer: stackPointer)
        case .branchLink, .branchLinkRegister:
            observer.called(from: site, to: target, returnAddress: site &+ 4, stackPointer: stackPointer)
        case .returnFromSubroutine:
            observer.returned(from: site, to: target, stackPointer: stackPointer)
        default:
            break
        }
    }

    /// Records the instructions in slots `start ..< end` of a code page as one run that went on to
    /// `nextPC` (nothing when the range is empty).
    @inline(__always)
    static func recordRun(from start: UnsafeMutablePointer<MicroOp>, to end: UnsafeMutablePointer<MicroOp>,
                          ops: UnsafeMutablePointer<MicroOp>, timing: UnsafeMutablePointer<TimedInstruction>, pageBase: UInt64,
                          nextPC: UInt64, in buffer: UnsafeMutablePointer<RetiredRun>, runs: inout Int) {
        let count = slot(of: end, in: start)
        guard count > 0 else { return }
        let first = slot(of: start, in: ops)
        buffer[runs] = RetiredRun(instruction: timing + first, pc: pageBase &+ UInt64(truncatingIfNeeded: first &<< 2),
                                  count: count, nextPC: nextPC)
        runs &+= 1
    }

    /// Hands the recorded runs and their data addresses to `model` and empties the buffers.
    @inline(__always)
    static func handOver<Model: CycleModel>(_ buffer: UnsafeMutablePointer<RetiredRun>, runs: inout Int,
                                            dataAddresses: UnsafeMutablePointer<UInt64>, batched: inout Int,
                                            to model: inout Model) {
        guard runs > 0 else { return }
        model.retire(RetiredBatch(runs: UnsafeBufferPointer(start: buffer, count: runs), dataAddresses: dataAddresses))
        runs = 0
        batched = 0
    }

    /// What a page's slot addresses are offset by from its instructions' (see
    /// `address(of:in:base:bias:timed:)`): its base less its first slot's host address divided by 4.
    @inline(__always)
    static func addressBias(of ops: UnsafeMutablePointer<MicroOp>, base: UInt64) -> UInt64 {
        base &- UInt64(UInt(bitPattern: ops) &>> 2)
    }

    /// The guest address of the instruction in slot `op` of the page whose slots start at `ops`,
    /// whose base is `base` and whose `addressBias` is `bias`.
    ///
    /// A slot is 16 bytes and an instruction 4, so a quarter of the slot's host address, offset,
    /// is the address: two host instructions where the slot's index takes five (fast-forward:
    /// 34.9 / 40.9 -> 33.4 / 39.7 host instructions per guest instruction, mix loop / suite mix).
    /// The loop that records runs for a `timed` model works it out from the index instead: there
    /// the bias kept a register that the switch's jump table had held, and it cost more than it
    /// saved (cortex-a72 199.8 / 220.2 -> 200.6 / 221.3).
    @inline(__always)
    static func address(of op: UnsafeMutablePointer<MicroOp>, in ops: UnsafeMutablePointer<MicroOp>, base: UInt64,
                        bias: UInt64, timed: Bool) -> UInt64 {
        timed ? base &+ UInt64(truncatingIfNeeded: slot(of: op, in: ops) &<< 2) : bias &+ UInt64(UInt(bitPattern: op) &>> 2)
    }

    /// The slot of `op` in the array starting at `base` (a `MicroOp` is 16 bytes).
    @inline(__always)
    static func slot(of op: UnsafeMutablePointer<MicroOp>, in base: UnsafeMutablePointer<MicroOp>) -> Int {
        Int(bitPattern: (UInt(bitPattern: op) &- UInt(bitPattern: base)) &>> 4)
    }

    /// `RegisterSlot.stackPointer`, as a constant of this module.
    static let stackPointerSlot: UInt8 = 33

    /// Whether the condition whose `conditionMask` is given holds for `nzcv`.
    @inline(__always)
    static func holds(_ conditionMask: UInt16, _ nzcv: UInt32) -> Bool {
        (conditionMask &>> UInt16(truncatingIfNeeded: nzcv &>> 28)) & 1 != 0
    }

    /// A W register's value shifted left within 32 bits (the LSL of a 32-bit shifted-register operand).
    @inline(__always)
    static func shifted32(_ value: UInt64, _ amount: UInt8) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: value) &<< UInt32(amount))
    }
}
