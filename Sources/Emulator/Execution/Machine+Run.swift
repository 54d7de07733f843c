import A64

extension Machine {
    /// Runs the guest until it needs the host, or until `instructionLimit` more instructions retire.
    public func run(instructionLimit: UInt64 = .max) -> StopReason {
        let started = HostRunTime.now(), instructionsBefore = counters.instructions
        let stop: StopReason, profileName: String?
        // One switch: each copies the profile out of the timing mode, retaining its fields.
        switch timing {
        case .functional:
            stop = run(model: &functionalModel, instructionLimit: instructionLimit)
            profileName = nil
        case .profile(let profile):
            stop = runTimed(profile: profile, instructionLimit: instructionLimit)
            profileName = profile.name
        }
        runTimes.add(profile: profileName, instructions: counters.instructions &- instructionsBefore,
                     nanoseconds: HostRunTime.now() &- started)
        return stop
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
            // Attribution charges a block's counts, or an exception's entry taken before a fetch,
            // to the symbol of the PC it started at (as a BRK's entry is charged to the BRK's block);
            // the block ends before the next symbol or region starts, so it is that symbol's alone.
            let attribution = timingState.attribution
            let countersBefore = attribution == nil ? TimingCounters() : model.counters
            let charge = attribution?.charge(at: pc) ?? .unattributed
            let stepping = softwareStepActive
            if takeExceptionBeforeFetch(stepping: stepping, model: &model) {
                attribution?.record(charge, delta: model.counters - countersBefore)
                if stopsAfterExceptionBeforeFetch { return .instructionLimit }
                continue
            }
            // A fetchable PC's hook is a flag in its decoded page (no set lookup per block); one
            // that cannot be fetched is looked up, so a hook there still stops before the fault.
            // The flag also marks code lines whose fetch must be checked for maintenance first.
            let page = pc & 3 == 0 ? cache.page(containing: pc, memory: memory) : nil
            let index = Int(pc & PhysicalMemory.pageOffsetMask) >> 2
            let flagged = if let page { page.hooked[index] } else { !hooks.isEmpty && hooks.contains(pc) }
            if flagged && coherence.isEnforced {
                switch earlyFetch(at: pc) {
                case .stopped:
                    continue
                case .runOld(let old, let new) where !stepping:
                    if let page { runOldWord(old, insteadOf: new, at: pc, page: page, index: index, model: &model) }
                    attribution?.record(charge, delta: model.counters - countersBefore)
                    continue
                case .proceed, .runOld:
                    break
                }
            }
            if flagged && (page == nil || hooks.contains(pc)) {
                if resumingFromHook == pc {
                    resumingFromHook = nil
                } else {
                    resumingFromHook = pc
                    return .hook(pc: pc)
                }
            } else {
                resumingFromHook = nil
            }

            guard let page else {
                if pc & 3 != 0 {
                    takeSynchronousException(.pcAlignment, returnAddress: pc, faultAddress: pc, model: &model)
                } else {
                    takeSynchronousException(.instructionAbort, returnAddress: pc, faultAddress: pc, model: &model)
                }
                attribution?.record(charge, delta: model.counters - countersBefore)
                if stopsAfterExceptionBeforeFetch { return .instructionLimit }
                continue
            }
            // Instructions until the limit or the next scheduled interrupt, whichever comes first.
            // (Attributing, `executeBlocks` also ends each block at the next symbol's start.) A block
            // cut short goes on sequentially, which the cycle models time as if it had not been cut.
            var budget = endCount - counters.instructions
            if let scheduled = scheduledInterrupt {
                let untilInterrupt = scheduled.instructionCount &- counters.instructions
                if budget > untilInterrupt { budget = untilInterrupt }
            }

            // Blocks chain into each other unless stepping; attributing, only within the symbol.
            if stepping {
                let exceptionsBefore = counters.exceptions
                _ = page.blockLength(at: index) // decodes the slot
                let operation = page.instructions[index].operation
                steppedLoadExclusive = operation == .loadExclusive || operation == .loadExclusivePair
                executeBlocks(page: page, from: index, budget: 1, chain: AnywhereInCode(), model: &model)
                // A stepped instruction that completes moves the state machine to active-pending;
                // exception entry and ERET set PSTATE.SS themselves.
                if counters.exceptions == exceptionsBefore && operation != .exceptionReturn {
                    pstate.singleStep = false
                    steppedInstruction = true
                }
            } else if attribution == nil {
                executeBlocks(page: page, from: index, budget: budget, chain: AnywhereInCode(), model: &model)
            } else {
                executeBlocks(page: page, from: index, budget: budget, chain: charge.range, model: &model)
            }
            attribution?.record(charge, delta: model.counters - countersBefore)
        }
    }

    /// Takes the exception due before the next fetch, if any — a pending unmasked IRQ, an illegal
    /// execution state, or a software step whose instruction has completed — and returns whether
    /// it took one.
    @inline(__always)
    private func takeExceptionBeforeFetch<Model: CycleModel>(stepping: Bool, model: inout Model) -> Bool {
        if irqLine && !pstate.irqMasked {
            takeInterrupt(model: &model)
            return true
        }
        if pstate.illegalExecution {
            takeSynchronousException(.illegalExecutionState, returnAddress: pc, model: &model)
            return true
        }
        if stepping && !pstate.singleStep {
            takeSoftwareStepException(model: &model)
            return true
        }
        return false
    }

    /// Whether software step is active: enabled by MDSCR_EL1.SS with debug exceptions enabled at EL1.
    var softwareStepActive: Bool {
        system.softwareStepEnabled && system.kernelDebugEnabled && !pstate.debugMasked
            && !system.osLocked && system.osDoubleLock & 1 == 0
    }
}
