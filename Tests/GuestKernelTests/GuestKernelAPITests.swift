import Emulator
import Foundation
import Testing
@testable import GuestKernel

/// The harness-facing API against the real guest: every mechanism × handler × workload that makes
/// sense fires exactly once per call, sees the real arguments and return value, leaves results as
/// `none` gives them, and detaches back to the original text.
@Suite struct GuestKernelAPITests {
    static let calls = 5

    /// The text of every traced function, to prove detach restores it byte for byte.
    func text(of kernel: GuestKernel, _ workload: Workload) throws -> [UInt8] {
        let symbol = try #require(kernel.symbols.symbol(named: workload.symbol))
        // The two NOPs before the symbol hold the CALL_OPS ops pointer: include them.
        return try #require(kernel.machine.memory.readBytes(at: symbol.address - 8, count: Int(symbol.size) + 8))
    }

    /// The words of `text` (as `text(of:_:)` reads it: the two CALL_OPS words, the patch site's two
    /// words at the symbol, then the body), little-endian.
    func words(_ text: [UInt8]) -> [UInt32] {
        stride(from: 0, to: text.count - 3, by: 4).map { index in
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(text[index + $1]) << (8 * $1) }
        }
    }

    /// Attaching patched the text the way the mechanism's kind does it: a BRK mechanism puts a BRK
    /// on the symbol (where arm64 puts a kprobe on a function: the patch site's `mov x9, x30`) and
    /// leaves the rest alone; every other one turns the site's NOP after the `mov` into
    /// `bl <trampoline>` and leaves the body alone. Detached, the site is as boot leaves it.
    func expectPatched(_ attached: [UInt8], before: [UInt8], by mechanism: Mechanism, _ label: String) throws {
        let old = words(before), new = words(attached)
        try #require(old.count == new.count && old.count > 4, "\(label): text of \(old.count) and \(new.count) words")
        #expect(new != old, "\(label): attach left the text unchanged")
        let nop: UInt32 = 0xD503_201F, movX9X30: UInt32 = 0xAA1E_03E9
        #expect(old[2] == movX9X30 && old[3] == nop, "\(label): the detached patch site is not mov x9, x30; nop")
        if mechanism.usesBreakpoint {
            // BRK #imm: 1101 0100 001 imm16 000 00.
            #expect(new[2] & 0xFFE0_001F == 0xD420_0000,
                    "\(label): the symbol holds 0x\(String(new[2], radix: 16)), not a BRK")
            #expect(Array(new[0..<2]) == Array(old[0..<2]), "\(label): a BRK mechanism changed the CALL_OPS words")
            #expect(Array(new[3...]) == Array(old[3...]), "\(label): text after the BRK changed")
        } else {
            #expect(new[2] == movX9X30, "\(label): symbol+0 holds 0x\(String(new[2], radix: 16)), not mov x9, x30")
            // BL imm26: 1001 01 imm26.
            #expect(new[3] & 0xFC00_0000 == 0x9400_0000, "\(label): symbol+4 holds 0x\(String(new[3], radix: 16)), not a BL")
            #expect(Array(new[4...]) == Array(old[4...]), "\(label): a patch-site mechanism changed the body")
        }
    }

    func baselineResults() throws -> [Workload: Int64] {
        let kernel = try GuestKernel()
        var results: [Workload: Int64] = [:]
        for workload in Workload.allCases {
            results[workload] = try kernel.run(workload, count: Self.calls, argument: workload == .recursive ? 4 : 3)
        }
        return results
    }

    @Test(arguments: Mechanism.measurable.filter { $0 != .none })
    func everyPathFiresOncePerCallAndDetachesCleanly(_ mechanism: Mechanism) throws {
        let expected = try baselineResults()
        let kernel = try GuestKernel()
        for handler in [HandlerKind.count, .args, .walk] {
            for workload in Workload.allCases {
                let argument: Int64 = workload == .recursive ? 4 : 3
                let before = try text(of: kernel, workload)
                try kernel.reset()
                try kernel.attach(mechanism, handler: handler, to: workload)
                let label = "\(mechanism.rawValue)/\(handler.rawValue)/\(workload.rawValue)"
                try expectPatched(try text(of: kernel, workload), before: before, by: mechanism, label)
                let result = try kernel.run(workload, count: Self.calls, argument: argument)
                let control = kernel.control
                let invocations = UInt64(Self.calls * (workload == .recursive ? Int(argument) + 1 : 1))
                #expect(result == expected[workload], "\(label): result differs from none")
                #expect(control.entryHits == invocations, "\(label): \(control.entryHits) entry hits for \(invocations) calls")
                if mechanism.hasExitHook {
                    #expect(control.exitHits == invocations, "\(label): \(control.exitHits) exit hits for \(invocations) calls")
                } else {
                    #expect(control.exitHits == 0, "\(label): exit hits without an exit hook")
                }
                try kernel.detach(from: workload)
                #expect(try text(of: kernel, workload) == before, "\(label): detach did not restore the text")
                try kernel.reset()
                _ = try kernel.run(workload, count: 1, argument: argument)
                #expect(kernel.control.entryHits == 0, "\(label): hits after detach")
            }
        }
    }

    @Test(arguments: Mechanism.measurable.filter { $0 != .none })
    func argsHandlersSeeTheRealArgumentsAndReturnValue(_ mechanism: Mechanism) throws {
        let kernel = try GuestKernel()
        try kernel.attach(mechanism, handler: .args, to: .args)
        let result = try kernel.run(.args, count: 1, argument: 3)
        let control = kernel.control
        let passed = control.callArguments
        // x0 is pb_run's argument; x1–x7 and the two stack slots come from call_args.
        #expect(control.lastArguments == [3] + Array(passed[1..<10]), "\(mechanism): arguments")
        #expect(control.lastBigArgument == Array(passed[10..<14]), "\(mechanism): the struct passed by value")
        #expect(control.lastEntryFunction == (try kernel.address(of: Workload.args.symbol)))
        if mechanism.hasExitHook {
            // pb_run accumulates acc = acc * 31 + result from 0: one call returns the result itself.
            #expect(control.lastReturnValue == result, "\(mechanism): return value")
        }
    }

    @Test func badRequestsAreRejectedAndLeaveTheTextAlone() throws {
        let kernel = try GuestKernel()
        let leaf = try kernel.address(of: Workload.leaf.symbol)
        let before = try text(of: kernel, .leaf)

        #expect(throws: GuestError.missingSymbol("pb_no_such_function", kernel.imageURL.path)) {
            try kernel.address(of: "pb_no_such_function")
        }
        try kernel.attach(.ftraceArgs, handler: .count, to: leaf)
        let attached = try text(of: kernel, .leaf)
        #expect(throws: GuestError.rejected(operation: "attach ftrace-regs/count to pb_wl_leaf", code: -16)) {
            try kernel.attach(.ftraceRegs, handler: .count, to: leaf)
        }
        #expect(try text(of: kernel, .leaf) == attached, "a rejected second attach changed the text")
        try kernel.detach(from: leaf)
        #expect(try text(of: kernel, .leaf) == before)
        #expect(throws: GuestError.rejected(operation: "detach from pb_wl_leaf", code: -2)) {
            try kernel.detach(from: leaf)
        }

        // A function without a patch site (the driver itself) is not a patchable site.
        let driver = try kernel.address(of: "pb_driver")
        #expect { try kernel.attach(.ftraceArgs, handler: .count, to: driver) } throws: { error in
            guard case GuestError.rejected(_, let code) = error else { return false }
            return code == -84
        }
        // A direct BL cannot reach a trampoline in the module area.
        #expect { try kernel.attach(.directBL, handler: .count, to: leaf, parameter: GuestABI.farTrampolineFlag) } throws: { error in
            guard case GuestError.rejected(_, let code) = error else { return false }
            return code == -34
        }
        #expect(try text(of: kernel, .leaf) == before, "failed attaches changed the text")
        #expect { try kernel.attach(.ftraceArgs, handler: .count, to: leaf, parameter: 1) } throws: { error in
            guard case GuestError.rejected(_, let code) = error else { return false }
            return code == -22
        }
        #expect(try kernel.call(GuestABI.Symbol.attachedCount) == 0)
    }

    @Test func aFaultingGuestIsReportedNotCrashed() throws {
        let kernel = try GuestKernel()
        // Calling into unmapped memory: the exception vectors catch it and the guest reports it.
        kernel.callInstructionLimit = 2_000_000
        #expect(throws: (any Error).self) { try kernel.call(0x7000_0000_0000) }
    }

    @Test func aPanicsReasonReachesTheError() throws {
        let kernel = try GuestKernel()
        // Naming a piece of generated code that was never allocated makes the guest panic.
        do {
            try kernel.call("pb_code_set_owner", 0x1234, 0)
            Issue.record("the guest did not stop")
        } catch let error as GuestError {
            #expect("\(error)".contains("exited with status 70 during a host call; it printed: PANIC: pb_code_map: not a live allocation"),
                    "\(error)")
        }
    }
}
