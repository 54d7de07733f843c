import A64

/// The synchronous exceptions this machine raises, with their ESR_EL1 syndromes.
public enum SynchronousException: Sendable, Equatable {
    case undefinedInstruction
    case supervisorCall(UInt16)
    case breakpoint(UInt16)
    case instructionAbort
    case dataAbort(write: Bool)
    /// A misaligned access where alignment is required: any access with SCTLR_EL1.A set, and always
    /// exclusives, load-acquires and store-releases (a data abort with an alignment fault status).
    case alignmentFault(write: Bool)
    case pcAlignment
    case stackPointerAlignment
    case illegalExecutionState
    /// Software step; `stepped` says an instruction completed (ISV), `loadExclusive` whether it was one (EX).
    case softwareStep(stepped: Bool, loadExclusive: Bool)

    /// The exception class (ESR_EL1.EC) for an exception taken from EL1 to EL1.
    public var exceptionClass: UInt64 {
        switch self {
        case .undefinedInstruction: return 0x00
        case .illegalExecutionState: return 0x0E
        case .supervisorCall: return 0x15
        case .instructionAbort: return 0x21
        case .pcAlignment: return 0x22
        case .dataAbort, .alignmentFault: return 0x25
        case .stackPointerAlignment: return 0x26
        case .softwareStep: return 0x33
        case .breakpoint: return 0x3C
        }
    }

    /// Synchronous external abort: what an access to an address with nothing behind it gives with the MMU off.
    static let externalAbortStatus: UInt64 = 0b01_0000
    /// The fault status of an alignment fault.
    static let alignmentFaultStatus: UInt64 = 0b10_0001
    /// The fault status a debug exception reports.
    static let debugEventStatus: UInt64 = 0b10_0010

    /// The full ESR_EL1 value: EC, IL (always 1: every A64 instruction is 32 bits), ISS.
    public var syndrome: UInt64 {
        let iss: UInt64
        switch self {
        case .supervisorCall(let immediate), .breakpoint(let immediate): iss = UInt64(immediate)
        case .instructionAbort: iss = Self.externalAbortStatus
        case .dataAbort(let write): iss = (write ? 1 << 6 : 0) | Self.externalAbortStatus
        case .alignmentFault(let write): iss = (write ? 1 << 6 : 0) | Self.alignmentFaultStatus
        case .softwareStep(let stepped, let loadExclusive):
            iss = (stepped ? 1 << 24 : 0) | (stepped && loadExclusive ? 1 << 6 : 0) | Self.debugEventStatus
        default: iss = 0
        }
        return exceptionClass << 26 | 1 << 25 | iss
    }

    /// Whether this is a software step exception, whatever its ISS.
    var isSoftwareStep: Bool {
        if case .softwareStep = self { return true }
        return false
    }

    var name: String {
        switch self {
        case .undefinedInstruction: return "undefined instruction"
        case .supervisorCall(let immediate): return "SVC #\(immediate)"
        case .breakpoint(let immediate): return "BRK #\(immediate)"
        case .instructionAbort: return "instruction fetch from an unmapped address"
        case .dataAbort(let write): return write ? "store to an unmapped address" : "load from an unmapped address"
        case .alignmentFault(let write):
            return write ? "misaligned exclusive or store-release access" : "misaligned exclusive or load-acquire access"
        case .pcAlignment: return "misaligned PC"
        case .stackPointerAlignment: return "SP-based access with a misaligned SP (SCTLR_EL1.SA is set)"
        case .illegalExecutionState: return "illegal execution state after an illegal exception return"
        case .softwareStep: return "software step"
        }
    }
}

/// A vector entered and the retired-instruction count at the time.
struct VectorEntry: Equatable {
    var vector: UInt64
    var instructions: UInt64
}

/// Offsets of the vector table entries for exceptions taken from the current exception level.
enum VectorOffset {
    static let synchronous: UInt64 = 0x000
    static let irq: UInt64 = 0x080
    /// Added when the exception is taken while PSTATE.SP selects SP_ELx rather than SP_EL0.
    static let usingExceptionStack: UInt64 = 0x200
    static let tableSize: UInt64 = 0x800
}

extension Machine {
    /// Takes `exception`, caused by the instruction at `faultingPC` (defaults to `returnAddress`),
    /// returning to `returnAddress`. Without vectors the run stops with a fault that says what and where.
    func takeSynchronousException<Model: CycleModel>(
        _ exception: SynchronousException, at faultingPC: UInt64? = nil, returnAddress: UInt64,
        faultAddress: UInt64? = nil, model: inout Model
    ) {
        let instructionAddress = faultingPC ?? returnAddress
        guard system.vectorsInstalled else {
            stopWithFault(.exceptionWithoutVectors(syndrome: exception.syndrome), at: instructionAddress,
                          message: "\(exception.name) with no exception vectors installed"
                              + (faultAddress.map { " (address 0x\(String($0, radix: 16)))" } ?? ""))
            return
        }
        if exception == .instructionAbort || exception == .pcAlignment,
           (system.vbar..<system.vbar &+ VectorOffset.tableSize).contains(instructionAddress) {
            stopWithFault(.recursiveException(syndrome: exception.syndrome), at: instructionAddress,
                          message: "\(exception.name) at the exception vector itself (VBAR_EL1 0x\(String(system.vbar, radix: 16)), "
                              + "ESR_EL1 0x\(String(exception.syndrome, radix: 16)))")
            return
        }
        // Entry clears what raised an illegal-state or step exception; anything else raised by a
        // vector's first instruction with nothing retired since entering it is raised again from
        // the same state, forever, and never reaches the instruction limit.
        let vector = vectorAddress(offset: VectorOffset.synchronous)
        if instructionAddress == vector, lastVectorEntry == VectorEntry(vector: vector, instructions: counters.instructions),
           exception != .illegalExecutionState, !exception.isSoftwareStep {
            stopWithFault(.recursiveException(syndrome: exception.syndrome), at: instructionAddress,
                          message: "\(exception.name) at the first instruction of the vector it enters (VBAR_EL1 0x"
                              + "\(String(system.vbar, radix: 16)) + 0x\(String(vector &- system.vbar, radix: 16)), "
                              + "ESR_EL1 0x\(String(exception.syndrome, radix: 16))): no instruction retires, so it would be taken forever")
            return
        }
        system.esr = exception.syndrome
        if let faultAddress { system.far = faultAddress }
        enterException(offset: VectorOffset.synchronous, returnAddress: returnAddress, model: &model)
    }

    /// Takes an IRQ before the instruction at `pc`.
    func takeInterrupt<Model: CycleModel>(model: inout Model) {
        guard system.vectorsInstalled else {
            stopWithFault(.exceptionWithoutVectors(syndrome: 0), at: pc, message: "IRQ with no exception vectors installed")
            return
        }
        counters.interrupts &+= 1
        enterException(offset: VectorOffset.irq, returnAddress: pc, model: &model)
    }

    /// Takes the software step exception that the active-pending state calls for.
    func takeSoftwareStepException<Model: CycleModel>(model: inout Model) {
        let exception = SynchronousException.softwareStep(stepped: steppedInstruction, loadExclusive: steppedLoadExclusive)
        steppedInstruction = false
        takeSynchronousException(exception, returnAddress: pc, model: &model)
    }

    /// The common part of exception entry: SPSR, ELR, PSTATE, stack pointer and vector.
    private func enterException<Model: CycleModel>(offset: UInt64, returnAddress: UInt64, model: inout Model) {
        system.spsr = pstate.savedProgramStatus
        system.elr = returnAddress
        let vector = vectorAddress(offset: offset)
        pstate.daif = 0b1111 << 6
        pstate.singleStep = false
        pstate.illegalExecution = false
        selectStackPointer(exceptionStack: true)
        exclusiveMonitor = nil
        counters.exceptions &+= 1
        trackContextSynchronization()
        lastVectorEntry = VectorEntry(vector: vector, instructions: counters.instructions)
        model.exceptionTaken(from: returnAddress, to: vector)
        controlFlowObserver?.exceptionTaken(at: returnAddress, to: vector, stackPointer: sp)
        pc = vector
    }

    /// The entry at `offset` of the vector table half that the current stack pointer selection uses.
    private func vectorAddress(offset: UInt64) -> UInt64 {
        system.vbar &+ (pstate.usesExceptionStack ? VectorOffset.usingExceptionStack : 0) &+ offset
    }

    /// ERET: restores PSTATE from SPSR_EL1 and continues at ELR_EL1.
    func returnFromException(at site: UInt64) {
        let saved = system.spsr
        let targetLevel = saved >> 2 & 0b11
        let isAArch32 = saved >> 4 & 1 == 1
        if isAArch32 || targetLevel > 1 {
            // Illegal exception return: stay at EL1, set PSTATE.IL, restore the rest.
            var restored = ProcessorState(savedProgramStatus: saved)
            restored.exceptionLevel = pstate.exceptionLevel
            restored.usesExceptionStack = pstate.usesExceptionStack
            restored.illegalExecution = true
            restored.singleStep = false
            pstate = restored
        } else if targetLevel == 0 {
            stopWithFault(.unsupportedOperation("ERET to EL0"), at: site,
                          message: "exception return to EL0 (SPSR_EL1 0x\(String(saved, radix: 16))): this machine runs EL1 only")
            return
        } else {
            let restored = ProcessorState(savedProgramStatus: saved)
            let exceptionStack = restored.usesExceptionStack
            pstate.nzcv = restored.nzcv
            pstate.daif = restored.daif
            pstate.illegalExecution = restored.illegalExecution
            selectStackPointer(exceptionStack: exceptionStack)
            // PSTATE.SS comes from SPSR only if software step is active at the target; otherwise it is 0.
            pstate.singleStep = restored.singleStep && softwareStepActive
        }
        exclusiveMonitor = nil
        trackContextSynchronization()
        let target = system.elr
        controlFlowObserver?.exceptionReturned(from: site, to: target, stackPointer: sp)
        pc = target
    }

    /// Ends the run with a fault report naming the PC, the word there and the last instructions.
    func stopWithFault(_ kind: MachineFault.Kind, at address: UInt64, message: String) {
        let recent = recentBlocks.addresses(endingAt: address, limit: 12).map { address in
            MachineFault.RecentInstruction(address: address, word: memory.readUInt32(at: address) ?? 0)
        }
        pendingStop = .fault(MachineFault(kind: kind, pc: address, word: memory.readUInt32(at: address),
                                          message: message, recentInstructions: recent))
        pc = address
    }
}
