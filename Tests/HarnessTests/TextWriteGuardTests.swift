import Emulator
import Testing
@testable import GuestKernel
@testable import Harness

@Suite struct TextWriteGuardTests {
    @Test func writesToTextOutsideThePatchingRoutinesAreCaught() throws {
        let kernel = try GuestKernel()
        let guardian = try TextWriteGuard(kernel: kernel)

        // Patching through the guest's own routines is allowed.
        try kernel.attach(.ftraceArgs, handler: .count, to: .leaf)
        try kernel.detach(from: .leaf)
        #expect(guardian.violations.isEmpty)
        try guardian.check("patching", describe: { String($0, radix: 16) })

        // memcpy into text is the kind of bug the guard exists for.
        let target = try kernel.address(of: Workload.nonleaf.symbol)
        let source = try kernel.address(of: GuestABI.Symbol.control)
        try kernel.call("memcpy", target, source, 4)
        #expect(guardian.violations.reduce(0) { $0 + $1.count } == 4)
        #expect(guardian.violations.allSatisfy { (target..<target + 4).contains($0.address) })
        let memcpy = try #require(kernel.symbols.symbol(named: "memcpy"))
        #expect(guardian.violations.allSatisfy { (memcpy.address..<memcpy.address + memcpy.size).contains($0.pc) })
        #expect(throws: MeasurementError.self) { try guardian.check("memcpy", describe: { String($0, radix: 16) }) }
    }
}
