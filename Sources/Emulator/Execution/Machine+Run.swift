import A64

extension Machine {
    /// Runs the guest until it needs the host, or until `instructionLimit` more instructions retire.
    public func run(instructionLimit: UInt64 = .max) -> StopReason {
        switch timing {
        case .functional:
            return run(model: &functionalModel, instructionLimit: instructionLimit)
        case .profile(let profile):
            return runTimed(profile: profile, instructionLimit: instructionLimit)
        }
    }

    /// The run loop, specialised per cycle model: checks at each block boundary, then executes a block.
    func run<Model: CycleModel>(model: inout Model, instructionLimit: UInt64) -> StopReason {
        let (sum, overflow) = counters.instructions.addingReportingOverflow(instructionLimit)
        let endCount = overflow ? UInt64.max : sum
        irqLine = interruptController.irqAsserted
        while true {
            if let stop = pendingStop {
                pendingStop = nil
                return stop
            }
            if counters.instructions >= endCount { return .instructionLimit }

            if let scheduled = scheduledInterrupt, counters.instructions >= scheduled.instructionCount {
                scheduledInterrupt = nil
                raiseInterrupt(scheduled.id)
            }
            if irqLine && !pstate.irqMasked {
                takeInterrupt(model: &model)
                continue
            }
            if pstate.illegalExecution {
                takeSynchronousException(.illegalExecutionState, returnAddress: pc, model: &model)
                continue
            }
            let stepping = softwareStepActive
            if stepping && !pstate.singleStep {
                takeSoftwareStepException(model: &model)
                continue
            }
            if !hooks.isEmpty && hooks.contains(pc) {
                if resumingFromHook == pc {
                    resumingFromHook = nil
                } else {
                    resumingFromHook = pc
                    return .hook(pc: pc)
                }
            } else {
                resumingFromHook = nil
            }

            guard pc & 3 == 0 else {
                takeSynchronousException(.pcAlignment, returnAddress: pc, faultAddress: pc, model: &model)
                continue
            }
            guard let page = cache.page(containing: pc, memory: memory) else {
                takeSynchronousException(.instructionAbort, returnAddress: pc, faultAddress: pc, model: &model)
                continue
            }
            let index = Int(pc & PhysicalMemory.pageOffsetMask) >> 2
            var length = page.blockLength(at: index)
            let remaining = endCount - counters.instructions
            if UInt64(length) > remaining { length = Int(remaining) }
            if let scheduled = scheduledInterrupt {
                let untilInterrupt = scheduled.instructionCount &- counters.instructions
                if UInt64(length) > untilInterrupt { length = Int(untilInterrupt) }
            }
            if stepping { length = 1 }
            counters.blocksEntered &+= 1
            recentBlocks.record(start: pc, length: length)

            if stepping {
                let exceptionsBefore = counters.exceptions
                let operation = page.instructions[index].operation
                steppedLoadExclusive = operation == .loadExclusive || operation == .loadExclusivePair
                executeAttributed(page: page, from: index, count: length, model: &model)
                // A stepped instruction that completes moves the state machine to active-pending;
                // exception entry and ERET set PSTATE.SS themselves.
                if counters.exceptions == exceptionsBefore && operation != .exceptionReturn {
                    pstate.singleStep = false
                    steppedInstruction = true
                }
            } else {
                executeAttributed(page: page, from: index, count: length, model: &model)
            }
        }
    }

    /// Whether software step is active: enabled by MDSCR_EL1.SS with debug exceptions enabled at EL1.
    var softwareStepActive: Bool {
        system.softwareStepEnabled && system.kernelDebugEnabled && !pstate.debugMasked
            && !system.osLocked && system.osDoubleLock & 1 == 0
    }
}
