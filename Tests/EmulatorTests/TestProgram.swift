import Foundation
import Emulator
import TestSupport

/// Small bare-metal programs for unit tests, assembled with the toolchain's clang at QEMU virt's
/// kernel address and loaded into a fresh machine.
enum TestProgram {
    /// Whether programs can be built here; unit tests that need one are enabled on this.
    static let isAvailable = Toolchain.shared != nil

    /// Assembles `source` (which defines `_start`) and returns the program; `name` labels its files.
    static func build(_ source: String, name: String = #function) throws -> AssembledProgram {
        guard let assembler = try GuestAssembler.makeDefault(purpose: "unit") else {
            throw AssemblyError(description: Toolchain.missingReason)
        }
        let fileName = name.filter { $0.isLetter || $0.isNumber }
        return try assembler.build(assembly: "    .text\n    .globl _start\n" + source, named: fileName, target: .bareMetal)
    }

    /// Assembles `source` and loads it into a machine with QEMU virt's RAM, PC at `_start`.
    static func machine(_ source: String, name: String = #function) throws -> (Machine, AssembledProgram) {
        let program = try build(source, name: name)
        return (program.makeMachine(), program)
    }
}

extension AssembledProgram {
    /// The address of `label`, failing the test with a message if the program lacks it.
    func require(_ label: String) throws -> UInt64 {
        guard let address = address(of: label) else {
            throw AssemblyError(description: "the test program has no label `\(label)`")
        }
        return address
    }
}

/// A word in hex for failure messages.
func hex(_ value: some BinaryInteger) -> String {
    "0x" + String(value, radix: 16)
}

extension Machine {
    /// Runs on a thread of its own and waits at most `seconds` for the run to return (nil if it
    /// did not): a run that never returns fails its test instead of hanging the suite. The
    /// thread of a run that did not return is left running.
    func run(instructionLimit: UInt64, returningWithin seconds: Double) -> StopReason? {
        final class Outcome: @unchecked Sendable {
            var stop: StopReason?
        }
        nonisolated(unsafe) let machine = self
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            outcome.stop = machine.run(instructionLimit: instructionLimit)
            finished.signal()
        }
        guard finished.wait(timeout: .now() + seconds) == .success else { return nil }
        return outcome.stop
    }
}
