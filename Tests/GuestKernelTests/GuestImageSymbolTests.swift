import Emulator
import Foundation
import Testing
@testable import GuestKernel

/// A guest image whose symbol table points the host outside the image is refused at boot, naming
/// the symbol, instead of trapping on the host's arithmetic with the address.
@Suite struct GuestImageSymbolTests {
    /// The harness image with `change` applied to its symbols.
    static func image(_ change: (inout [ELFImage.Symbol]) -> Void) throws -> (ELFImage, URL) {
        let url = try GuestKernel.imageURL(.harness)
        var image = try ELFImage(contentsOf: url)
        change(&image.symbols)
        return (image, url)
    }

    /// Sets the address of symbol `name`.
    static func move(_ name: String, to address: UInt64) -> (inout [ELFImage.Symbol]) -> Void {
        { symbols in
            for index in symbols.indices where symbols[index].name == name { symbols[index].address = address }
        }
    }

    @Test func theHarnessImageBoots() throws {
        let (image, url) = try Self.image { _ in }
        _ = try GuestKernel(image: image, url: url)
    }

    /// pb_control near 2^64 made the boot trap (arithmetic overflow) reading the control block's magic.
    @Test func aSymbolOutsideTheSegmentsIsRefused() throws {
        let (image, url) = try Self.image(Self.move(GuestABI.Symbol.control, to: 0xFFFF_FFFF_FFFF_FFF8))
        let size = try #require(image.symbols.first { $0.name == GuestABI.Symbol.control }).size
        #expect(throws: GuestError.badImage("\(url.path): symbol pb_control at 0xfffffffffffffff8 (size 0x\(String(size, radix: 16))) "
                                            + "does not lie inside a segment of the image")) {
            try GuestKernel(image: image, url: url)
        }
    }

    /// pb_patch_sites_end at 2^64 − 8 made the walk of the patch-site table run to the end of the
    /// address space; text or near-area bounds the wrong way round trapped forming their Range.
    @Test func aRegionThatIsNotInsideOneSegmentIsRefused() throws {
        let (original, url) = try Self.image { _ in }
        let start = try #require(original.symbols.first { $0.name == GuestABI.Symbol.textStart }).address
        let end = try #require(original.symbols.first { $0.name == GuestABI.Symbol.textEnd }).address
        let (swapped, _) = try Self.image { symbols in
            Self.move(GuestABI.Symbol.textStart, to: end)(&symbols)
            Self.move(GuestABI.Symbol.textEnd, to: start)(&symbols)
        }
        #expect(throws: GuestError.badImage("\(url.path): pb_text_start (0x\(String(end, radix: 16))) and pb_text_end "
                                            + "(0x\(String(start, radix: 16))) do not bound a region inside one segment of the image")) {
            try GuestKernel(image: swapped, url: url)
        }
        // Both ends inside segments, but not the same one: the table would span the gap between them.
        let data = try #require(original.symbols.first { $0.name == GuestABI.Symbol.control }).address
        let patchStart = try #require(original.symbols.first { $0.name == GuestABI.Symbol.patchSitesStart }).address
        let (spanning, _) = try Self.image(Self.move(GuestABI.Symbol.patchSitesEnd, to: data))
        #expect(throws: GuestError.badImage("\(url.path): pb_patch_sites_start (0x\(String(patchStart, radix: 16))) and "
                                            + "pb_patch_sites_end (0x\(String(data, radix: 16))) do not bound a region inside one segment of the image")) {
            try GuestKernel(image: spanning, url: url)
        }
    }

    /// A patch-site entry of 2^64 − 1 (damaged table contents) trapped adding the 8 bytes to its function.
    @Test func aPatchSiteEntryNearTheTopOfTheAddressSpaceNamesNoFunction() throws {
        let kernel = try GuestKernel(image: .harness)
        let start = try kernel.address(of: GuestABI.Symbol.patchSitesStart)
        let first = try #require(kernel.machine.memory.readUInt64(at: start))
        let before = kernel.patchableFunctions()
        #expect(before.contains(first + GuestABI.patchSiteBytes))
        #expect(kernel.machine.memory.writeUInt64(.max, at: start))
        #expect(kernel.patchableFunctions() == before.subtracting([first + GuestABI.patchSiteBytes]))
    }
}
