import Emulator
import Testing
import TestSupport

/// The events the reports rely on show up in the counters and cost what the profile says.
@Suite(.serialized, .enabled(if: TimingProgram.isAvailable, Comment(rawValue: Toolchain.missingReason)))
struct TimingEffectsTests {
    static let iterations = 100

    /// A RET to an address other than the return-address stack's top (what kretprobes and the
    /// graph tracer do to a function's return) costs a return misprediction; an honest return none.
    @Test(arguments: CPUProfile.all.map(\.name))
    func hijackedReturnMispredicts(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let honest = LoopBench(body: ["bl callee", "resume:"], support: "callee:\n    ret\n")
        let hijacked = LoopBench(body: ["bl callee", "resume:"], support: """
            callee:
                adr x30, trampoline
                ret
            trampoline:
                b resume
            """)
        let normal = try honest.measure(profile: profile, warmUp: 20, iterations: Self.iterations)
        let hijack = try hijacked.measure(profile: profile, warmUp: 20, iterations: Self.iterations)
        #expect(normal.window.returnMispredicts == 0)
        #expect(hijack.window.returnMispredicts == UInt64(Self.iterations))
        #expect(hijack.cyclesPerIteration >= normal.cyclesPerIteration + Double(profile.mispredictPenalty.value))
    }

    /// The first (cold) iteration of a block costs more than the warm steady state, and a reset of
    /// the microarchitectural state makes the next iteration cold again.
    @Test(arguments: CPUProfile.all.map(\.name))
    func coldRunCostsMoreThanWarm(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let block = try #require(AgreementCorpus.blocks.first { $0.name == "ftrace-regs-restore" })
        let (machine, loop) = try LoopBench(body: block.body).makeMachine(profile: profile)
        #expect(machine.run() == .hook(pc: loop))
        let cold = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 1).window
        let warm = try LoopBench.measure(machine: machine, loop: loop, warmUp: 10, iterations: 10)
        machine.resetMicroarchitecturalState()
        let reset = try LoopBench.measure(machine: machine, loop: loop, warmUp: -1, iterations: 1).window
        #expect(cold.instructionCacheMisses > 0 && cold.dataCacheMisses > 0)
        #expect(warm.window.instructionCacheMisses == 0 && warm.window.dataCacheMisses == 0)
        #expect(Double(cold.cycles) > warm.cyclesPerIteration + Double(profile.missLatency.value))
        #expect(reset.instructionCacheMisses > 0 && Double(reset.cycles) > warm.cyclesPerIteration)
    }

    /// DC CVAU and IC IVAU cost the profile's cache-maintenance cycles on top of a NOP.
    @Test(arguments: CPUProfile.all.map(\.name))
    func cacheMaintenanceCostsWhatTheProfileSays(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let baseline = try LoopBench(body: ["nop"]).cyclesPerIteration(profile: profile)
        let clean = try LoopBench(body: ["dc cvau, x1"]).cyclesPerIteration(profile: profile)
        let invalidate = try LoopBench(body: ["ic ivau, x1"]).cyclesPerIteration(profile: profile)
        let cleanCost = Double(profile.dataCacheMaintenance.value)
        let invalidateCost = Double(profile.instructionCacheMaintenance.value)
        // The operation waits for the loop's previous iteration to complete: up to a few cycles more.
        #expect(clean - baseline >= cleanCost - 1 && clean - baseline <= cleanCost + 4,
                "DC CVAU costs \(clean - baseline), profile says \(cleanCost)")
        #expect(invalidate - baseline >= invalidateCost - 1 && invalidate - baseline <= invalidateCost + 4,
                "IC IVAU costs \(invalidate - baseline), profile says \(invalidateCost)")
    }

    /// A BRK taken to a handler that steps over it and ERETs costs the profile's exception entry and
    /// ERET, counts one exception, and the handler's own instructions on top.
    @Test(arguments: CPUProfile.all.map(\.name))
    func exceptionCostsEntryAndReturn(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let vectors = """
                .balign 2048
            vectors:
                .skip 0x200
                mrs x10, elr_el1
                add x10, x10, #4
                msr elr_el1, x10
                eret
            """
        let setup = ["adr x10, vectors", "msr vbar_el1, x10", "isb"]
        let baseline = try LoopBench(body: ["nop"], support: vectors, setup: setup)
            .measure(profile: profile, warmUp: 20, iterations: Self.iterations)
        let trapping = try LoopBench(body: ["brk #0"], support: vectors, setup: setup)
            .measure(profile: profile, warmUp: 20, iterations: Self.iterations)
        let delta = trapping.cyclesPerIteration - baseline.cyclesPerIteration
        let entryAndReturn = Double(profile.exceptionEntry.value + profile.exceptionReturn.value)
        let handlerAllowance = Double(profile.systemRegisterWrite.value + profile.systemRegisterRead.value + 12)
        #expect(trapping.window.exceptions == UInt64(Self.iterations))
        #expect(delta >= entryAndReturn && delta <= entryAndReturn + handlerAllowance,
                "BRK + ERET costs \(delta), entry + ERET is \(entryAndReturn)")
    }
}
