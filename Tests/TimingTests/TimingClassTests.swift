import A64
import Testing

/// Timing classes and register use come out of decoded instructions as the models expect.
@Suite struct TimingClassTests {
    static let address: UInt64 = 0x4008_0000

    func decode(_ word: UInt32) -> Instruction { Decoder.decode(word, at: Self.address) }

    func sources(_ use: RegisterUse) -> [UInt8] { (0..<use.sourceCount).map { use.source($0).slot } }

    @Test func framePushIsAStorePairWithWriteback() {
        let instruction = decode(0xA9BF_7BFD) // stp x29, x30, [sp, #-16]!
        #expect(instruction.timingClass == .storePairWriteback)
        let use = instruction.registerUse
        #expect(sources(use) == [29, 30, RegisterSlot.stackPointer])
        #expect(use.writtenBase == RegisterSlot.stackPointer)
        #expect(use.result == RegisterUse.none)
    }

    @Test func framePopWritesBothRegistersAndTheBase() {
        let use = decode(0xA8C1_7BFD).registerUse // ldp x29, x30, [sp], #16
        #expect(decode(0xA8C1_7BFD).timingClass == .loadPairWriteback)
        #expect(use.result == 29 && use.secondResult == 30 && use.writtenBase == RegisterSlot.stackPointer)
        #expect(use.writtenSlots.count == 3)
    }

    @Test func shiftsAreClassifiedCheapOrExpensive() {
        #expect(decode(0x910003FD).timingClass == .aluBasic)            // mov x29, sp
        #expect(decode(0x8B02_0C20).timingClass == .aluShiftedCheap)    // add x0, x1, x2, lsl #3
        #expect(decode(0x93C1_0C20).timingClass == .rotateImmediate)    // ror x0, x1, #3
        let use = decode(0x8B02_0C20).registerUse
        #expect(use.source(1).role == .shiftedOperand)
    }

    @Test func flagsAreARegister() {
        let subs = decode(0xF100_079C).registerUse // subs x28, x28, #1
        #expect(subs.writesFlags && subs.result == 28)
        let csel = decode(0x9A82_0020).registerUse // csel x0, x1, x2, eq
        #expect(csel.reads(RegisterUse.flags) && csel.reads(1) && csel.reads(2))
    }

    /// The flag-setting forms write NZCV and their plain forms do not, read through the same
    /// operands either way (`Operation.setsFlags` is the one list).
    @Test(arguments: [
        (0xB100_0420, 0x9100_0420), // adds / add x0, x1, #1
        (0xEB02_0020, 0xCB02_0020), // subs / sub x0, x1, x2
        (0xF240_1C20, 0x9240_1C20), // ands / and x0, x1, #0xff
        (0xEA22_0020, 0x8A22_0020), // bics / bic x0, x1, x2
        (0xAB22_4020, 0x8B22_4020), // adds / add x0, x1, w2, uxtw
        (0xBA02_0020, 0x9A02_0020), // adcs / adc x0, x1, x2
        (0xFA02_0020, 0xDA02_0020), // sbcs / sbc x0, x1, x2
    ] as [(UInt32, UInt32)])
    func flagSettingFormsWriteFlags(setting: UInt32, plain: UInt32) {
        let flagged = decode(setting).registerUse, unflagged = decode(plain).registerUse
        #expect(flagged.writesFlags && !unflagged.writesFlags)
        #expect(flagged.result == unflagged.result && sources(flagged) == sources(unflagged))
    }

    @Test func conditionalComparesReadAndWriteFlags() {
        for word: UInt32 in [0xFA42_0020, 0xBA41_1820] { // ccmp x1, x2, #0, eq; ccmn x1, #1, #0, ne
            let use = decode(word).registerUse
            #expect(use.writesFlags && use.reads(RegisterUse.flags) && use.reads(1))
            #expect(use.result == RegisterUse.none)
        }
        #expect(!decode(0x9A82_0020).registerUse.writesFlags) // csel reads them only
    }

    @Test func multiplyDivideLoadAndSystemClasses() {
        #expect(decode(0x9B02_0C20).timingClass == .multiply64)          // madd x0, x1, x2, x3
        #expect(decode(0x9B02_0C20).registerUse.source(2).role == .accumulator)
        #expect(decode(0x1AC2_0820).timingClass == .divide32)            // udiv w0, w1, w2
        #expect(decode(0xF862_7820).timingClass == .loadRegisterOffset)  // ldr x0, [x1, x2, lsl #3]
        #expect(decode(0xD65F_03C0).timingClass == .functionReturn)      // ret
        #expect(decode(0xD65F_03C0).registerUse.reads(30))
        #expect(decode(0xD538_4020).timingClass == .systemRegisterRead)  // mrs x0, elr_el1
        #expect(decode(0xD50B_7B21).timingClass == .dataCacheMaintenance) // dc cvau, x1
        #expect(decode(0xD503_201F).timingClass == .hint)                // nop
    }

    @Test func zeroRegisterIsNeverADependency() {
        let use = decode(0xAA02_03E0).registerUse // mov x0, x2 (orr x0, xzr, x2)
        #expect(sources(use) == [2])
    }
}
