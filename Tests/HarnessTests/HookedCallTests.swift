import GuestKernel
import Testing
@testable import Harness

@Suite struct HookedCallTests {
    /// Calls that outrun the guest's instruction limit name their phase and count.
    @Test func callsThatRunAwayNameTheirPhaseAndCount() throws {
        let kernel = try GuestKernel()
        kernel.callInstructionLimit = 10_000
        let driver = HookedCall(kernel: kernel)
        #expect(throws: Never.self) { try driver.run(.leaf, count: 1, argument: 3, phase: "calls.warmup") }
        do {
            try driver.run(.leaf, count: 5_000, argument: 3, phase: "calls.warmup")
            Issue.record("5000 calls ran within 10000 instructions")
        } catch {
            #expect("\(error)".hasPrefix("calls.warmup: 5000 call(s) of leaf in one host call: the guest ran 10000 instructions"), "\(error)")
        }
    }
}
