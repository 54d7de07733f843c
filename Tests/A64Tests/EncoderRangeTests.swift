import Testing
@testable import A64

/// Targets out of reach or misaligned throw a typed error that names both addresses and the distance.
@Suite struct EncoderRangeTests {
    static let site: UInt64 = 0x4008_0000

    @Test(arguments: [0x800_0000, -0x800_0004, 0x1_0000_0000, -0x40_0000_0000] as [Int64])
    func branchesBeyond128MiBThrow(distance: Int64) {
        let target = UInt64(bitPattern: Int64(bitPattern: Self.site) + distance)
        let expected = EncodingError.targetOutOfRange(mnemonic: "b", source: Self.site, target: target,
                                                      distance: distance, reach: 128 << 20)
        #expect(throws: expected) { try Encoder.branch(from: Self.site, to: target) }
        #expect(throws: EncodingError.targetOutOfRange(mnemonic: "bl", source: Self.site, target: target,
                                                       distance: distance, reach: 128 << 20)) {
            try Encoder.branchWithLink(from: Self.site, to: target)
        }
    }

    @Test func outOfRangeMessageNamesBothAddressesAndTheDistance() {
        do {
            _ = try Encoder.branchWithLink(from: 0x4008_0000, to: 0x5008_0000)
            Issue.record("a 256 MiB branch encoded")
        } catch {
            let message = error.description
            #expect(message.contains("0x40080000") && message.contains("0x50080000"), "\(message)")
            #expect(message.contains("+0x10000000") && message.contains("268435456"), "\(message)")
            #expect(message.contains("128 MiB"), "\(message)")
        }
    }

    @Test(arguments: [(0x4008_0002, 0x4008_1000), (0x4008_0000, 0x4008_1001), (0x4008_0001, 0x4008_0003)] as [(UInt64, UInt64)])
    func misalignedBranchesThrow(source: UInt64, target: UInt64) {
        #expect(throws: EncodingError.misaligned(mnemonic: "b", source: source, target: target, alignment: 4)) {
            try Encoder.branch(from: source, to: target)
        }
        #expect(throws: EncodingError.misaligned(mnemonic: "ldr", source: source, target: target, alignment: 4)) {
            try Encoder.loadLiteral(.x(0), from: source, to: target)
        }
    }

    @Test(arguments: [0x10_0000, -0x10_0004, 0x800_0000] as [Int64])
    func literalLoadsBeyond1MiBThrow(distance: Int64) {
        let target = UInt64(bitPattern: Int64(bitPattern: Self.site) + distance)
        #expect(throws: EncodingError.targetOutOfRange(mnemonic: "ldr", source: Self.site, target: target,
                                                       distance: distance, reach: 1 << 20)) {
            try Encoder.loadLiteral(.x(1), from: Self.site, to: target)
        }
    }

    @Test func pageAddressesBeyond4GiBThrow() throws {
        let far = Self.site + (1 << 32) + 0x1000
        #expect(throws: EncodingError.self) { try Encoder.pageAddress(.x(0), from: Self.site, to: far) }
        // The last page within reach still encodes.
        let last = (Self.site & ~0xFFF) + (1 << 32) - 0x1000
        #expect(Decoder.decode(try Encoder.pageAddress(.x(0), from: Self.site, to: last), at: Self.site).imm == last)
    }

    @Test func addImmediateAbove4095Throws() {
        #expect(throws: EncodingError.immediateOutOfRange(mnemonic: "add", value: 0x1000, maximum: 0xFFF)) {
            try Encoder.addImmediate(.x(0), .x(0), 0x1000)
        }
    }
}
