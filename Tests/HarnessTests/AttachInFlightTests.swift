import GuestKernel
import Testing
@testable import Harness

/// Attaching while a call is anywhere in the function: an interrupt whose handler attaches a path
/// to the function, raised before each instruction of an untraced call of it. The call must return
/// the untraced result, make at most one traced call's hits and never an exit hit without its
/// entry, and the next call must be traced in full.
///
/// This is why arm64's ftrace writes `mov x9, x30` over every patch site's first NOP at boot
/// (`ftrace_init_nop`) and enabling a site writes only its BL: with the `mov` written at attach
/// instead (tried), a call stopped between the site's two instructions went on into the BL with
/// x9 never set and returned to a stale address, on every patch-site path.
@Suite struct AttachInFlightTests {
    @Test(arguments: Mechanism.allCases.filter { $0 != .none }, [Workload.nonleaf, .recursive])
    func aCallInTheMiddleOfTheFunctionWhenItIsAttachedCompletes(_ mechanism: Mechanism, workload: Workload) throws {
        let sweep = InterruptedCallSweep(mechanism: mechanism, workload: workload, attachedBefore: false)
        InterruptedCallSweep.expectNoneWrong(try sweep.run(irqCall: { kernel in
            try kernel.call(GuestABI.Symbol.setAttachFromIRQ, UInt64(mechanism.guestID), UInt64(HandlerKind.count.guestID))
            return (try kernel.address(of: GuestABI.Symbol.attachFromIRQ), Int64(bitPattern: try kernel.address(of: workload.symbol)))
        }, irqResult: 0) { kernel, call in
            let seen = (entry: kernel.control.entryHits, exit: kernel.control.exitHits)
            guard seen.entry <= call.hits.entry, seen.exit <= seen.entry else {
                return "\(seen) hit(s) in the interrupted call (one traced call: \(call.hits))"
            }
            return try sweep.nextCall(kernel, call, hits: call.hits)
        }, minimumSteps: 200)
    }
}
