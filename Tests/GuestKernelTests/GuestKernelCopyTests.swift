import Emulator
import Testing
import GuestKernel

/// A kernel copied from a booted one (what each scenario gets, instead of booting) runs exactly as
/// a kernel booted afresh: same results, counters, cycles, registers and memory.
struct GuestKernelCopyTests {
    /// Everything a run leaves that a measurement could read.
    struct Outcome: Equatable {
        var result: Int64
        var counters: ExecutionCounters
        var timing: TimingCounters
        var registers: [UInt64]
        var pc: UInt64
        var entryHits: UInt64
        var interrupts: UInt64
        var memory: [[UInt8]]
    }

    func exercise(_ kernel: GuestKernel, _ mechanism: Mechanism) throws -> Outcome {
        kernel.machine.timing = .profile(.cortexA72)
        try kernel.attach(mechanism, handler: .walk, to: .nonleaf)
        // An interrupt in the middle of the calls: the interrupt controller as the boot set it up.
        kernel.machine.scheduleInterrupt(GuestABI.hostSampleInterrupt, afterInstructions: 700)
        let result = try kernel.run(.nonleaf, count: 4, argument: 3)
        // The image's segments (text, data, .bss) and the task stack below its top.
        let ranges = kernel.image.segments.map(\.range) + [kernel.taskStackTop - 0x4000..<kernel.taskStackTop]
        let memory = ranges.map { kernel.machine.memory.readBytes(at: $0.lowerBound, count: Int($0.count)) ?? [] }
        return Outcome(result: result, counters: kernel.machine.counters, timing: kernel.machine.timingCounters,
                       registers: kernel.machine.generalRegisters + [kernel.machine.sp], pc: kernel.machine.pc,
                       entryHits: kernel.control.entryHits, interrupts: kernel.control.interruptCount, memory: memory)
    }

    @Test(arguments: [Mechanism.ftraceArgs, .kprobeXOL, .kretprobeBRK, .functionGraph])
    func aCopyRunsExactlyAsAFreshBoot(_ mechanism: Mechanism) throws {
        let booted = try GuestKernel()
        let fresh = try exercise(try GuestKernel(), mechanism)
        #expect(fresh.entryHits > 0 && fresh.timing.cycles > 0 && fresh.interrupts == 1)
        // A copy of the kernel as booted (its boot code decoded), then with all its code decoded
        // ahead, as the harness copies it (the copies take the decoded slots whose words they hold).
        #expect(try exercise(GuestKernel(copying: booted), mechanism) == fresh)
        for segment in booted.image.segments where segment.isExecutable { booted.machine.decodeAhead(segment.range) }
        // Copying leaves the booted kernel as it was: a second copy runs the same.
        #expect(try exercise(GuestKernel(copying: booted), mechanism) == fresh)
    }
}
