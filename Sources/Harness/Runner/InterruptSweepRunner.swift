import Emulator
import GuestKernel

/// Takes a stack sample from an IRQ injected before every single instruction of a probed call,
/// one call per instruction, and checks each walk against the shadow call stack.
///
/// The call path runs from the driver's call instruction to its return site. For instruction k
/// the host schedules the sampling IRQ k instructions after the call instruction; the guest's
/// IRQ handler walks from its own frame across the exception boundary (plain and reliable walker),
/// and libdw walks the interrupted context from the IRQ vector. Sweeps use fast-forward timing:
/// they verify walks, they do not time them.
struct InterruptSweepRunner {
    let environment: MeasurementEnvironment

    func sweep(_ spec: SweepSpec) throws -> [WalkVerification] {
        let kernel = try environment.makeKernel()
        let machine = kernel.machine
        MachineTiming.fastForward(machine)
        if let alongside = spec.alongside { try kernel.attach(alongside, handler: .count, to: spec.workload) }
        try kernel.attach(spec.mechanism, handler: spec.handler, to: spec.workload)
        let argument = ScenarioRunner.argument(for: spec.workload)
        let driver = HookedCall(kernel: kernel)
        try driver.run(spec.workload, count: 2, argument: argument, phase: "the IRQ sweep's warm-up")

        let pathLength = try measurePathLength(driver: driver, workload: spec.workload, argument: argument)
        let shadow = ShadowCallStack(functionStarts: kernel.symbols.functionStarts, rootFunction: 0,
                                     stackPointer: kernel.taskStackTop)
        machine.controlFlowObserver = shadow
        driver.onCallStart = { shadow.reset(rootFunction: $0, stackPointer: kernel.taskStackTop) }
        let references = environment.makeReferences(for: kernel)
        let recorder = try WalkRecorder(driver: driver, shadow: shadow,
                                        classifier: WalkClassifier(returnTrampolines: environment.returnTrampolines()),
                                        references: references, tracedFunction: try kernel.address(of: spec.workload.symbol),
                                        mechanism: spec.mechanism)

        // Where IRQs are masked (a BRK handler, an out-of-line slot) the injected IRQ is taken at
        // the next unmasked instruction: the same moment, in the same state, as the IRQ injected
        // before that instruction. Each moment is walked once; the others are counted as masked.
        var callStart: UInt64 = 0
        var takenAt: Set<UInt64> = []
        // libdw walks the interrupted context at the IRQ vector (taken from EL1 with SP_EL1).
        let vector = machine.system.vbar + 0x200 + 0x80
        driver.on(vector) { [unowned machine] _ in
            recorder.recordsInterruptWalks = takenAt.insert(machine.counters.instructions - callStart).inserted
            guard recorder.recordsInterruptWalks else { return }
            recorder.walkWithLibdw(point: .interrupt, expected: ExpectedWalk(frames: shadow.frames).pcs,
                                   dropInnermost: false, pc: machine.system.elr)
        }
        var pendingOffset: UInt64?
        driver.on(kernel.driverCallSite) { [unowned machine] _ in
            if let offset = pendingOffset {
                callStart = machine.counters.instructions
                machine.scheduleInterrupt(GuestABI.hostSampleInterrupt, afterInstructions: offset)
                pendingOffset = nil
            }
        }
        let interruptsBefore = kernel.control.interruptCount
        for offset in 0..<pathLength {
            pendingOffset = offset
            try driver.run(spec.workload, count: 1, argument: argument,
                           phase: "the IRQ sweep's call with an IRQ after \(offset) instructions")
            machine.cancelScheduledInterrupt()
        }
        machine.controlFlowObserver = nil
        let taken = kernel.control.interruptCount - interruptsBefore
        guard taken == pathLength else {
            throw MeasurementError.scenarioFailed(
                id: "\(spec.mechanism.rawValue)/\(spec.workload.rawValue) IRQ sweep",
                reason: "\(pathLength) interrupts injected, \(taken) taken by the guest")
        }
        let masked = Int(pathLength) - takenAt.count
        return recorder.verifications.filter { $0.point == .interrupt }.map { walk in
            var walk = walk
            walk.masked = masked
            return walk
        }
    }

    /// Instructions from the driver's call instruction to its return site, for one call.
    private func measurePathLength(driver: HookedCall, workload: Workload, argument: Int64) throws -> UInt64 {
        let machine = driver.machine
        var start: UInt64?
        var length: UInt64?
        let callToken = driver.on(driver.kernel.driverCallSite) { _ in start = machine.counters.instructions }
        let returnToken = driver.on(driver.kernel.driverReturnSite) { _ in
            if let start { length = machine.counters.instructions - start }
        }
        try driver.run(workload, count: 1, argument: argument, phase: "the IRQ sweep's path-length call")
        driver.remove(callToken, at: driver.kernel.driverCallSite)
        driver.remove(returnToken, at: driver.kernel.driverReturnSite)
        guard let length, length > 0 else {
            throw MeasurementError.noWindow(mechanism: "sweep", workload: workload.rawValue)
        }
        return length
    }
}
