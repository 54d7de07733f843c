import Testing
@testable import A64

/// The disassembler accepts every word: defined words print an instruction, undefined ones what
/// objdump prints for an unallocated word.
@Suite struct DisassemblerTotalityTests {
    @Test func twoMillionRandomWordsPrint() {
        var generator = DecoderTotalityTests.Xorshift(state: 0x7074_A11_7E57)
        for _ in 0..<2_000_000 {
            let word = UInt32(truncatingIfNeeded: generator.next())
            let address = generator.next() & ~3
            let printed = Disassembler.disassemble(word: word, address: address)
            if Decoder.decode(word, at: address).isDefined {
                #expect(!printed.mnemonic.isEmpty && printed.mnemonic != "<unknown>" && !printed.text.contains("?"),
                        "0x\(String(word, radix: 16)) printed '\(printed.text)'")
            } else {
                #expect(printed.mnemonic == "<unknown>" || printed.mnemonic == "udf",
                        "undefined 0x\(String(word, radix: 16)) printed '\(printed.text)'")
            }
        }
    }

    @Test func everyRowPrintsItsSamplesWithoutTrapping() {
        var generator = DecoderTotalityTests.Xorshift(state: 0xE5E5_0001)
        for row in EncodingTable.rows {
            for word in DisassemblerWordSamples.aliasCorners(of: row, using: &generator) {
                #expect(!Disassembler.text(word: word, address: 0xFFFF_FFFF_FFFF_FFFC).isEmpty)
            }
        }
    }

    @Test func thePermanentlyUndefinedSpacePrintsAsUDF() {
        #expect(Disassembler.text(word: 0, address: 0) == "udf\t#0x0")
        #expect(Disassembler.text(word: 0xBEEF, address: 0) == "udf\t#0xbeef")
        #expect(Disassembler.text(word: 0xFFFF_FFFF, address: 0) == "<unknown>")
    }
}
