import DebugInfo
import Foundation
import Testing

/// The unwinder on a bare-metal (`aarch64-none-elf`) image like the guest kernel, without qemu:
/// a leaf stopped at its first instruction needs no memory to find its caller.
@Suite(.enabled(if: TestEnvironment.canReadFixtures, "needs libdw.so.1 and the toolchain's clang + ld.lld"))
struct BareMetalImageUnwindTests {
    @Test func leafAtEntryUnwindsToTheCallerInX30() throws {
        let elfURL = try FixturePrograms.typesDWARF5.get()
        let program = try DWARFProgram(elfPath: elfURL.path)
        let leaf = try program.function(named: "set_counter")
        let caller = try program.function(named: "entry")
        let stackPointer: UInt64 = 0x8000_0000
        let returnAddress = caller.lowPC + 8
        let registers = AArch64Registers(pc: leaf.lowPC, sp: stackPointer, fp: stackPointer + 0x40, lr: returnAddress)

        let unwinder = try DWARFUnwinder(elfPath: elfURL.path)
        let walk = unwinder.walk(registers: registers, maxFrames: 8) { address in
            // An empty stack page: the caller's saved frame record reads as zeros.
            (stackPointer..<stackPointer + 0x1000).contains(address) ? 0 : nil
        }
        try #require(walk.frames.count >= 2, "\(walk)")
        #expect(walk.frames[0] == StackFrame(
            pc: leaf.lowPC, isActivation: true, symbol: "set_counter", symbolOffset: 0, isCoveredByCFI: true))
        #expect(walk.frames[1] == StackFrame(
            pc: returnAddress, isActivation: false, symbol: "entry", symbolOffset: 8, isCoveredByCFI: true))
        let range = try #require(unwinder.moduleAddressRange)
        let counter = try program.global(named: "global_counter")
        #expect(range.contains(leaf.lowPC) && range.contains(counter.address))
    }
}
