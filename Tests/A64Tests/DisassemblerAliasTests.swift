import Testing
@testable import A64

/// Fixed examples of every alias and form the disassembler must print, with llvm-objdump 21's
/// text for them (recorded from `llvm-objdump -d` of an image linked at 0x40080000), so the
/// disassembler is checked even where no toolchain is installed.
@Suite struct DisassemblerAliasTests {
    /// (word, address, objdump's text without the symbol annotation)
    static let cases: [(UInt32, UInt64, String)] = [
        (0xaa0103e0, 0x40080000, "mov\tx0, x1"),
        (0x2a0103e0, 0x40080004, "mov\tw0, w1"),
        (0x910003e0, 0x40080008, "mov\tx0, sp"),
        (0x9100001f, 0x4008000c, "mov\tsp, x0"),
        (0xd2a24680, 0x40080010, "mov\tx0, #0x12340000         // =305397760"),
        (0x92800000, 0x40080014, "mov\tx0, #-0x1               // =-1"),
        (0x52b00000, 0x40080018, "mov\tw0, #-0x80000000        // =-2147483648"),
        (0xb200f3e0, 0x4008001c, "mov\tx0, #0x5555555555555555 // =6148914691236517205"),
        (0x320003e0, 0x40080020, "orr\tw0, wzr, #0x1"),
        (0x129fffe0, 0x40080024, "movn\tw0, #0xffff"),
        (0xd2a00000, 0x40080028, "movz\tx0, #0x0, lsl #16"),
        (0xf2f7dde0, 0x4008002c, "movk\tx0, #0xbeef, lsl #48"),
        (0xf100101f, 0x40080030, "cmp\tx0, #0x4"),
        (0xf1448fff, 0x40080034, "cmp\tsp, #0x123, lsl #12     // =0x123000"),
        (0x3100103f, 0x40080038, "cmn\tw1, #0x4"),
        (0xeb01081f, 0x4008003c, "cmp\tx0, x1, lsl #2"),
        (0x2b21801f, 0x40080040, "cmn\tw0, w1, sxtb"),
        (0xf240043f, 0x40080044, "tst\tx1, #0x3"),
        (0x6ac10c1f, 0x40080048, "tst\tw0, w1, ror #3"),
        (0xcb0103e0, 0x4008004c, "neg\tx0, x1"),
        (0x6b810fe0, 0x40080050, "negs\tw0, w1, asr #3"),
        (0xda0103e0, 0x40080054, "ngc\tx0, x1"),
        (0x7a0103e0, 0x40080058, "ngcs\tw0, w1"),
        (0xaa210fe0, 0x4008005c, "mvn\tx0, x1, lsl #3"),
        (0xd37df020, 0x40080060, "lsl\tx0, x1, #3"),
        (0x53037c20, 0x40080064, "lsr\tw0, w1, #3"),
        (0x937ffc20, 0x40080068, "asr\tx0, x1, #63"),
        (0x93c10c20, 0x4008006c, "ror\tx0, x1, #0x3"),
        (0x9ac22020, 0x40080070, "lsl\tx0, x1, x2"),
        (0x1ac22420, 0x40080074, "lsr\tw0, w1, w2"),
        (0x9ac22820, 0x40080078, "asr\tx0, x1, x2"),
        (0x1ac22c20, 0x4008007c, "ror\tw0, w1, w2"),
        (0xd3431820, 0x40080080, "ubfx\tx0, x1, #3, #4"),
        (0x13031820, 0x40080084, "sbfx\tw0, w1, #3, #4"),
        (0xb37d0c20, 0x40080088, "bfi\tx0, x1, #3, #4"),
        (0xb3431820, 0x4008008c, "bfxil\tx0, x1, #3, #4"),
        (0xb37d0fe0, 0x40080090, "bfi\tx0, xzr, #3, #4"),
        (0xd37d0c20, 0x40080094, "ubfiz\tx0, x1, #3, #4"),
        (0x131d0c20, 0x40080098, "sbfiz\tw0, w1, #3, #4"),
        (0x93401c20, 0x4008009c, "sxtb\tx0, w1"),
        (0x13003c20, 0x400800a0, "sxth\tw0, w1"),
        (0x93407c20, 0x400800a4, "sxtw\tx0, w1"),
        (0x53001c20, 0x400800a8, "uxtb\tw0, w1"),
        (0x53003c20, 0x400800ac, "uxth\tw0, w1"),
        (0x1a9f17e0, 0x400800b0, "cset\tw0, eq"),
        (0xda9f33e0, 0x400800b4, "csetm\tx0, hs"),
        (0x9a812420, 0x400800b8, "cinc\tx0, x1, lo"),
        (0x5a815020, 0x400800bc, "cinv\tw0, w1, mi"),
        (0xda81b420, 0x400800c0, "cneg\tx0, x1, ge"),
        (0x9a81e420, 0x400800c4, "csinc\tx0, x1, x1, al"),
        (0x9b027c20, 0x400800c8, "mul\tx0, x1, x2"),
        (0x1b02fc20, 0x400800cc, "mneg\tw0, w1, w2"),
        (0x9b227c20, 0x400800d0, "smull\tx0, w1, w2"),
        (0x9ba27c20, 0x400800d4, "umull\tx0, w1, w2"),
        (0x9b22fc20, 0x400800d8, "smnegl\tx0, w1, w2"),
        (0x9ba2fc20, 0x400800dc, "umnegl\tx0, w1, w2"),
        (0x9b020c20, 0x400800e0, "madd\tx0, x1, x2, x3"),
        (0xd65f03c0, 0x400800e4, "ret"),
        (0xd65f0020, 0x400800e8, "ret\tx1"),
        (0x54fff8a2, 0x400800ec, "b.hs\t0x40080000"),
        (0x54fff883, 0x400800f0, "b.lo\t0x40080000"),
        (0x54000021, 0x400800f4, "b.ne\t0x400800f8"),
        (0xb4fff840, 0x400800f8, "cbz\tx0, 0x40080000"),
        (0x371ff823, 0x400800fc, "tbnz\tw3, #0x3, 0x40080000"),
        (0x97ffffc0, 0x40080100, "bl\t0x40080000"),
        (0x17ffffbf, 0x40080104, "b\t0x40080000"),
        (0x10fff7c0, 0x40080108, "adr\tx0, 0x40080000"),
        (0x90000000, 0x4008010c, "adrp\tx0, 0x40080000"),
        (0x58fff780, 0x40080110, "ldr\tx0, 0x40080000"),
        (0x18fff761, 0x40080114, "ldr\tw1, 0x40080000"),
        (0x98fff742, 0x40080118, "ldrsw\tx2, 0x40080000"),
        (0xd8fff720, 0x4008011c, "prfm\tpldl1keep, 0x40080000"),
        (0xd503201f, 0x40080120, "nop"),
        (0xd503203f, 0x40080124, "yield"),
        (0xd503233f, 0x40080128, "paciasp"),
        (0xd50323bf, 0x4008012c, "autiasp"),
        (0xd503245f, 0x40080130, "bti\tc"),
        (0xd503249f, 0x40080134, "bti\tj"),
        (0xd503229f, 0x40080138, "csdb"),
        (0xd5032c9f, 0x4008013c, "hint\t#0x64"),
        (0xd5033bbf, 0x40080140, "dmb\tish"),
        (0xd50339bf, 0x40080144, "dmb\tishld"),
        (0xd5033f9f, 0x40080148, "dsb\tsy"),
        (0xd5033b9f, 0x4008014c, "dsb\tish"),
        (0xd503309f, 0x40080150, "ssbb"),
        (0xd503349f, 0x40080154, "pssbb"),
        (0xd5033fdf, 0x40080158, "isb"),
        (0xd5033f5f, 0x4008015c, "clrex"),
        (0xd50342df, 0x40080160, "msr\tDAIFSet, #0x2"),
        (0xd5034fff, 0x40080164, "msr\tDAIFClr, #0xf"),
        (0xd50041bf, 0x40080168, "msr\tSPSel, #0x1"),
        (0xd5385200, 0x4008016c, "mrs\tx0, ESR_EL1"),
        (0xd518c001, 0x40080170, "msr\tVBAR_EL1, x1"),
        (0xd5384242, 0x40080174, "mrs\tx2, CurrentEL"),
        (0xd53be043, 0x40080178, "mrs\tx3, CNTVCT_EL0"),
        (0xd50b7b20, 0x4008017c, "dc\tcvau, x0"),
        (0xd50b7e21, 0x40080180, "dc\tcivac, x1"),
        (0xd50b7422, 0x40080184, "dc\tzva, x2"),
        (0xd50b7520, 0x40080188, "ic\tivau, x0"),
        (0xd508751f, 0x4008018c, "ic\tiallu"),
        (0xd508711f, 0x40080190, "ic\tialluis"),
        (0xd4210000, 0x40080194, "brk\t#0x800"),
        (0xd4200000, 0x40080198, "brk\t#0"),
        (0xd45e0000, 0x4008019c, "hlt\t#0xf000"),
        (0xd4000001, 0x400801a0, "svc\t#0"),
        (0xd69f03e0, 0x400801a4, "eret"),
        (0xf8408c20, 0x400801a8, "ldr\tx0, [x1, #0x8]!"),
        (0xf8408420, 0x400801ac, "ldr\tx0, [x1], #0x8"),
        (0xf8627820, 0x400801b0, "ldr\tx0, [x1, x2, lsl #3]"),
        (0xf862c820, 0x400801b4, "ldr\tx0, [x1, w2, sxtw]"),
        (0xb8625820, 0x400801b8, "ldr\tw0, [x1, w2, uxtw #2]"),
        (0x38626820, 0x400801bc, "ldrb\tw0, [x1, x2]"),
        (0x789fec20, 0x400801c0, "ldrsh\tx0, [x1, #-0x2]!"),
        (0xf85ff020, 0x400801c4, "ldur\tx0, [x1, #-0x1]"),
        (0xa9bf7bfd, 0x400801c8, "stp\tx29, x30, [sp, #-0x10]!"),
        (0xa8c17bfd, 0x400801cc, "ldp\tx29, x30, [sp], #0x10"),
        (0x69410440, 0x400801d0, "ldpsw\tx0, x1, [x2, #0x8]"),
        (0xf8a26833, 0x400801d4, "prfm\tpstl2strm, [x1, x2]"),
        (0xf9800000, 0x400801d8, "prfm\tpldl1keep, [x0]"),
        (0xf8801020, 0x400801dc, "prfum\tpldl1keep, [x1, #0x1]"),
        (0xc85f7c20, 0x400801e0, "ldxr\tx0, [x1]"),
        (0xc8027c20, 0x400801e4, "stxr\tw2, x0, [x1]"),
        (0x085ffc20, 0x400801e8, "ldaxrb\tw0, [x1]"),
        (0x4802ffe0, 0x400801ec, "stlxrh\tw2, w0, [sp]"),
        (0xc87f0440, 0x400801f0, "ldxp\tx0, x1, [x2]"),
        (0xc8238440, 0x400801f4, "stlxp\tw3, x0, x1, [x2]"),
        (0x88dffc20, 0x400801f8, "ldar\tw0, [x1]"),
        (0xc89ffc20, 0x400801fc, "stlr\tx0, [x1]"),
        (0x089ffc20, 0x40080200, "stlrb\tw0, [x1]"),
        (0x8b214be0, 0x40080204, "add\tx0, sp, w1, uxtw #2"),
        (0x8b21601f, 0x40080208, "add\tsp, x0, x1"),
        (0x4b2143e0, 0x4008020c, "sub\tw0, wsp, w1"),
        (0xfa411004, 0x40080210, "ccmp\tx0, x1, #0x4, ne"),
        (0x3a5fe80f, 0x40080214, "ccmn\tw0, #0x1f, #0xf, al"),
        (0x93c20c20, 0x40080218, "extr\tx0, x1, x2, #0x3"),
        (0xdac00c20, 0x4008021c, "rev\tx0, x1"),
        (0x5ac00420, 0x40080220, "rev16\tw0, w1"),
        (0xdac00820, 0x40080224, "rev32\tx0, x1"),
        (0x5ac00020, 0x40080228, "rbit\tw0, w1"),
        (0xdac01020, 0x4008022c, "clz\tx0, x1"),
        (0x5ac01420, 0x40080230, "cls\tw0, w1"),
        (0x9ac20820, 0x40080234, "udiv\tx0, x1, x2"),
        (0x1ac20c20, 0x40080238, "sdiv\tw0, w1, w2"),
        (0x9b427c20, 0x4008023c, "smulh\tx0, x1, x2"),
        (0x9bc27c20, 0x40080240, "umulh\tx0, x1, x2"),
        (0x9a020020, 0x40080244, "adc\tx0, x1, x2"),
        (0x7a020020, 0x40080248, "sbcs\tw0, w1, w2"),
        (0x00001234, 0x4008024c, "udf\t#0x1234"),
        (0xffffffff, 0x40080250, "<unknown>"),
    ]

    @Test(arguments: cases)
    func printsAsObjdump(word: UInt32, address: UInt64, expected: String) {
        #expect(Disassembler.text(word: word, address: address) == expected,
                "0x\(String(word, radix: 16)) at 0x\(String(address, radix: 16))")
    }

    /// objdump decodes these (FEAT_FlagM `cfinv`, FEAT_LSE `ldadd x0, x0, [x1]`); an Armv8.0 core
    /// does not, and the disassembler prints what the machine will do with them.
    @Test(arguments: [0xD500_401F, 0xF820_0020] as [UInt32])
    func extensionsThisCoreLacksPrintAsUnknown(word: UInt32) {
        #expect(Disassembler.text(word: word, address: 0) == "<unknown>")
    }

    @Test func symbolizedTargetsAreAnnotatedAsObjdumpDoes() {
        let symbols = ObjdumpSymbolizer([(name: "_start", address: 0x4008_0000), (name: "helper", address: 0x4008_0100)])
        // bl _start at 0x400800fc; adrp to the page; ldr literal; and a b.cond into the middle of a function.
        #expect(Disassembler.text(word: 0x97FF_FFC1, address: 0x4008_0100, symbolizer: symbols.symbolize)
                == "bl\t0x40080004 <_start+0x4>")
        #expect(Disassembler.text(word: 0x9400_0000, address: 0x4008_0100, symbolizer: symbols.symbolize)
                == "bl\t0x40080100 <helper>")
        #expect(Disassembler.text(word: 0x9000_0000, address: 0x4008_0100, symbolizer: symbols.symbolize)
                == "adrp\tx0, 0x40080000 <_start>")
        // No symbol at or below the target: no annotation; no target operand: nothing to annotate.
        #expect(Disassembler.text(word: 0x9400_0000, address: 0x1000, symbolizer: symbols.symbolize) == "bl\t0x1000")
        #expect(Disassembler.text(word: 0xD503_201F, address: 0x4008_0100, symbolizer: symbols.symbolize) == "nop")
    }
}
