import Emulator

/// The fixed guest loop: an ALU / load / store / branch / call mix of 22 instructions per
/// iteration, assembled from `Benchmarks/qemu/mix-loop.S` (which `Benchmarks/qemu/run.sh` also
/// runs under qemu-aarch64 as a Linux user program, for the same loop's figure there).
public enum MixLoop {
    /// `pb_mix_loop` and `pb_mix_leaf`, as `llvm-objdump -d` prints them.
    public static let words: [UInt32] = [
        0xAA1E_03F5, // 0x00 pb_mix_loop: mov x21, x30
        0xF940_0262, // 0x04 1: ldr x2, [x19]
        0x9100_0443, // 0x08    add x3, x2, #0x1
        0xF900_0263, // 0x0c    str x3, [x19]
        0xA941_1664, // 0x10    ldp x4, x5, [x19, #0x10]
        0xCA05_0086, // 0x14    eor x6, x4, x5
        0x8B03_08C7, // 0x18    add x7, x6, x3, lsl #2
        0xA901_1A67, // 0x1c    stp x7, x6, [x19, #0x10]
        0xAA07_03E0, // 0x20    mov x0, x7
        0x9400_000D, // 0x24    bl pb_mix_leaf
        0xB940_2A69, // 0x28    ldr w9, [x19, #0x28]
        0x0B00_0129, // 0x2c    add w9, w9, w0
        0xB900_2A69, // 0x30    str w9, [x19, #0x28]
        0xF240_029F, // 0x34    tst x20, #0x1
        0x5400_0060, // 0x38    b.eq 2f
        0xAA00_014A, // 0x3c    orr x10, x10, x0
        0x1400_0003, // 0x40    b 3f
        0x927C_1C0B, // 0x44 2: and x11, x0, #0xff0
        0x9B03_316C, // 0x48    madd x12, x11, x3, x12
        0xF100_0694, // 0x4c 3: subs x20, x20, #0x1
        0x54FF_FDA1, // 0x50    b.ne 1b
        0xD65F_02A0, // 0x54    ret x21
        0x9100_0C00, // 0x58 pb_mix_leaf: add x0, x0, #0x3
        0xD341_FC01, // 0x5c    lsr x1, x0, #1
        0xCA01_0000, // 0x60    eor x0, x0, x1
        0xD65F_03C0, // 0x64    ret
    ]

    /// Guest instructions per iteration (either side of the `b.eq`).
    static let instructionsPerIteration: UInt64 = 22

    static let ramBase: UInt64 = 0x4000_0000
    static let codeAddress: UInt64 = 0x4008_0000
    static let bufferAddress: UInt64 = 0x4010_0000
    /// `hlt #1`, where the loop returns to when its iterations are done.
    static let haltWord: UInt32 = 0xD440_0020

    /// A machine at the first instruction of `words` (the mix loop unless given; another loop must
    /// keep its count in x20, its buffer in x19 and return through x21 the same way) with
    /// `iterations` to go.
    public static func makeMachine(words: [UInt32] = words, iterations: UInt64, timing: TimingMode) -> Machine {
        let memory = PhysicalMemory()
        memory.addRAM(ramBase..<0x8000_0000)
        let machine = Machine(memory: memory)
        var bytes: [UInt8] = []
        for word in words + [haltWord] {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        memory.writeBytes(bytes, at: codeAddress)
        memory.writeBytes([UInt8](repeating: 0, count: 64), at: bufferAddress)
        machine[x: 19] = bufferAddress
        machine[x: 20] = iterations
        machine[x: 30] = codeAddress + UInt64(words.count * 4)
        machine.sp = 0x4020_0000
        machine.pc = codeAddress
        machine.timing = timing
        return machine
    }
}
