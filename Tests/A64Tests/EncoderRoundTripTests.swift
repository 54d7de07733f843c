import Testing
@testable import A64

/// Every encoder's word decodes back to the operands it was given, and prints as objdump would.
@Suite struct EncoderRoundTripTests {
    static let site: UInt64 = 0x4008_1000

    @Test func nopDecodesAsNOP() {
        let instruction = Decoder.decode(Encoder.nop, at: Self.site)
        #expect(Encoder.nop == 0xD503_201F)
        #expect(instruction.encoding == .NOP && instruction.operation == .hint)
        #expect(Disassembler.text(word: Encoder.nop, address: Self.site) == "nop")
    }

    @Test func movX9X30IsTheFtraceSiteInstruction() {
        let instruction = Decoder.decode(Encoder.movX9X30, at: Self.site)
        #expect(Encoder.movX9X30 == 0xAA1E_03E9)
        #expect(instruction.operation == .moveRegister && instruction.is64)
        #expect(instruction.rd == 9 && instruction.rm == 30)
        #expect(Disassembler.text(word: Encoder.movX9X30, address: Self.site) == "mov\tx9, x30")
    }

    @Test(arguments: [(0, 1), (9, 30), (30, 9), (31, 0), (0, 31), (17, 17)])
    func movRegisterRoundTrips(destination: Int, source: Int) {
        let word = Encoder.movRegister(Register(number: destination)!, Register(number: source)!)
        let instruction = Decoder.decode(word, at: Self.site)
        #expect(instruction.operation == .moveRegister && instruction.is64)
        #expect(instruction.rd == RegisterSlot.zeroWrite(UInt32(destination)))
        #expect(instruction.rm == RegisterSlot.zeroRead(UInt32(source)))
    }

    @Test(arguments: [0, 1, 0x800, 0x7FFF, 0xFFFF] as [UInt16])
    func breakpointRoundTrips(immediate: UInt16) {
        let instruction = Decoder.decode(Encoder.breakpoint(immediate), at: Self.site)
        #expect(instruction.operation == .breakpoint && instruction.imm == UInt64(immediate))
    }

    /// Branch distances at and inside both ends of the ±128 MiB reach, and a few in between.
    static let branchDistances: [Int64] = [0, 4, -4, 0x7FF_FFFC, -0x800_0000, 0x123_4560, -0x10_0000]

    @Test(arguments: branchDistances)
    func branchAndBranchWithLinkRoundTrip(distance: Int64) throws {
        let target = UInt64(bitPattern: Int64(bitPattern: Self.site) + distance)
        let b = Decoder.decode(try Encoder.branch(from: Self.site, to: target), at: Self.site)
        #expect(b.operation == .branch && b.imm == target)
        let bl = Decoder.decode(try Encoder.branchWithLink(from: Self.site, to: target), at: Self.site)
        #expect(bl.operation == .branchLink && bl.imm == target && bl.rd == 30)
        #expect(Disassembler.text(word: try Encoder.branchWithLink(from: Self.site, to: target), address: Self.site)
                == "bl\t0x" + String(target, radix: 16))
    }

    @Test func branchesWrapAroundTheAddressSpace() throws {
        let word = try Encoder.branch(from: 0, to: 0xFFFF_FFFF_FFFF_FFF0)
        #expect(Decoder.decode(word, at: 0).imm == 0xFFFF_FFFF_FFFF_FFF0)
    }

    @Test(arguments: [0, 8, -8, 0xF_FFFC, -0x10_0000] as [Int64], [0, 9, 30, 31])
    func loadLiteralRoundTrips(distance: Int64, register: Int) throws {
        let target = UInt64(bitPattern: Int64(bitPattern: Self.site) + distance)
        let word = try Encoder.loadLiteral(Register(number: register)!, from: Self.site, to: target)
        let instruction = Decoder.decode(word, at: Self.site)
        #expect(instruction.operation == .loadLiteral && instruction.size == 8)
        #expect(instruction.imm == target && instruction.rd == RegisterSlot.zeroWrite(UInt32(register)))
    }

    @Test(arguments: [0x4008_1000, 0x4008_1FFF, 0x4000_0000, 0x1_4008_0123, 0x0000_0000_0000_0040] as [UInt64])
    func pageAddressAndAddRoundTrip(target: UInt64) throws {
        let adrp = Decoder.decode(try Encoder.pageAddress(.x(16), from: Self.site, to: target), at: Self.site)
        #expect(adrp.operation == .loadConstant && adrp.rd == 16 && adrp.imm == target & ~0xFFF)
        let add = Decoder.decode(try Encoder.addImmediate(.x(16), .x(16), UInt32(target & 0xFFF)), at: Self.site + 4)
        #expect(add.operation == .addImmediate && add.is64 && add.rd == 16 && add.rn == 16 && add.imm == target & 0xFFF)
    }

    @Test func addImmediateUsesTheStackPointerForRegister31() throws {
        let instruction = Decoder.decode(try Encoder.addImmediate(.sp, .sp, 16), at: Self.site)
        #expect(instruction.rd == RegisterSlot.stackPointer && instruction.rn == RegisterSlot.stackPointer)
        #expect(Disassembler.text(word: try Encoder.addImmediate(.x29, .sp, 0), address: 0) == "mov\tx29, sp")
    }
}
