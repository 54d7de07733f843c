import Emulator
import GuestKernel
import Testing
@testable import Harness

/// Every scenario's kernel holds the guest's patching to the architecture's cache maintenance
/// rules, so a patching routine that forgets a step fails the scenario instead of measuring code
/// that a core might not fetch.
@Suite struct CodeMaintenanceTests {
    static let environment = Result { try MeasurementEnvironment() }

    /// `IC IVAU, Xt` (SYS #3, C7, C5, #1) with Rt in the low five bits.
    static let icIvau: UInt32 = 0xD50B_7520
    static let nop: UInt32 = 0xD503_201F

    @Test func attachingWithoutInstructionCacheInvalidationFails() throws {
        let kernel = try Self.environment.get().makeKernel()
        // Break the guest's patching routines by hand (host writes are not tracked): no IC IVAU.
        var removed = 0
        for name in TextWriteGuard.patchingRoutines {
            let symbol = try #require(kernel.symbols.symbol(named: name))
            for address in stride(from: symbol.address, to: symbol.address + symbol.size, by: 4)
            where kernel.machine.instructionWord(at: address).map({ $0 & ~0x1F == Self.icIvau }) == true {
                #expect(kernel.machine.memory.writeUInt32(Self.nop, at: address))
                removed += 1
            }
        }
        #expect(removed >= TextWriteGuard.patchingRoutines.count, "each routine invalidates the instruction cache")
        // The BLs ftrace writes may be fetched early (the architecture lets such a fetch get the
        // old or the new instruction), so the missing step shows when attach hands control back.
        do {
            try kernel.attach(.ftraceArgs, handler: .count, to: .leaf)
            try kernel.run(.leaf, count: 1, argument: 3)
            Issue.record("the patched site ran without instruction cache maintenance")
        } catch GuestError.codeNotSynchronized(let report) {
            #expect(report.contains("lacking IC IVAU"), "\(report)")
        } catch GuestError.fault(let fault, _) {
            guard case .incoherentInstructionFetch = fault.kind else {
                Issue.record("unexpected fault: \(fault)")
                return
            }
            #expect(fault.message.contains("IC IVAU"), "\(fault.message)")
        }
    }

    @Test func theGuestsOwnPatchingIsCoherentOnEveryPath() throws {
        let environment = try Self.environment.get()
        for mechanism in Mechanism.measurable {
            let kernel = try environment.makeKernel()
            try kernel.attach(mechanism, handler: .count, to: .nonleaf)
            try kernel.run(.nonleaf, count: 2, argument: 3)
            try kernel.detach(from: .nonleaf)
            try kernel.run(.nonleaf, count: 1, argument: 3)
            #expect(kernel.machine.unsynchronizedCodeLines.isEmpty, "\(mechanism.rawValue)")
        }
    }
}
