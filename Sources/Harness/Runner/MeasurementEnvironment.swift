import DebugInfo
import Emulator
import Foundation
import GuestKernel

/// What every scenario of a run shares: the parsed guest image, its symbols, the kernel booted
/// from it once, and libdw's unwinders.
///
/// Each scenario runs on its own copy of the booted kernel (the same state a boot of its own would
/// give), so scenarios run in parallel and give the same numbers whatever the scheduling.
public final class MeasurementEnvironment: Sendable {
    public let imageURL: URL
    public let image: ELFImage
    let symbols: SymbolTable
    /// Why libdw cannot serve as the second reference, or nil if it can.
    public let libdwProblem: String?
    /// The image booted once; every scenario's kernel is a copy of it. Never run after its boot,
    /// so workers only ever read it.
    private nonisolated(unsafe) let booted: GuestKernel
    /// libdw unwinders for the image, kept warm across scenarios.
    private let unwinders: UnwinderPool

    public init(imageURL: URL) throws {
        self.imageURL = imageURL
        do {
            image = try ELFImage(contentsOf: imageURL)
        } catch {
            throw GuestError.badImage("\(error)")
        }
        symbols = SymbolTable(image: image)
        booted = try GuestKernel(image: image, symbols: symbols, url: imageURL)
        // Copies start with the image's code decoded instead of each decoding it as it first runs.
        for segment in image.segments where segment.isExecutable { booted.machine.decodeAhead(segment.range) }
        // The unwinder that shows libdw can serve is the pool's first, not set up and thrown away.
        do {
            unwinders = UnwinderPool(elfPath: imageURL.path, idle: [try DWARFUnwinder(elfPath: imageURL.path)])
            libdwProblem = nil
        } catch {
            unwinders = UnwinderPool(elfPath: imageURL.path)
            libdwProblem = "\(error)"
        }
    }

    /// The bundled harness image.
    public convenience init() throws {
        try self.init(imageURL: try GuestKernel.imageURL(.harness))
    }

    /// A freshly booted guest on its own machine: a copy of the one booted kernel, which is what
    /// booting again would give (booting each took a fifth of a default-suite run's host time).
    func makeKernel() throws -> GuestKernel {
        let kernel = GuestKernel(copying: booted)
        // Every path's patching is held to the architecture's cache maintenance rules: a fetch
        // of code the guest wrote without them stops the scenario instead of running either copy.
        let text = try kernel.address(of: GuestABI.Symbol.textStart)..<(try kernel.address(of: GuestABI.Symbol.textEnd))
        kernel.machine.requireCodeMaintenance(in: [text] + Self.trampolineRegions(of: kernel).map(\.range))
        return kernel
    }

    /// libdw's unwinder for this image, lent for as long as the references are held (one per
    /// recorder: libdw handles are not shared across threads).
    func makeReferences(for kernel: GuestKernel) -> WalkReferences {
        let unwinder = libdwProblem == nil ? unwinders.lend() : nil
        return WalkReferences(unwinder: unwinder, libdwProblem: libdwProblem, describe: describer(for: kernel))
    }

    /// Names addresses for reports: `symbol+0x…`, or the allocation area of dynamic trampolines.
    func describer(for kernel: GuestKernel) -> (UInt64) -> String {
        let symbols = self.symbols
        let regions = Self.trampolineRegions(of: kernel)
        return { address in
            if let region = regions.first(where: { $0.range.contains(address) }) {
                return "\(region.name)+0x\(String(address - region.range.lowerBound, radix: 16))"
            }
            return symbols.describe(address) ?? "0x\(String(address, radix: 16))"
        }
    }

    /// Where the guest allocates code at run time (trampolines, veneers, XOL slots), outside every
    /// symbol, named for reports.
    static func trampolineRegions(of kernel: GuestKernel) -> [(name: String, range: Range<UInt64>)] {
        // The kernel checked at boot that the near area's start is at or below its end.
        let near = kernel.symbols.address(of: GuestABI.Symbol.nearAreaStart).flatMap { start in
            kernel.symbols.address(of: GuestABI.Symbol.nearAreaEnd).map { start..<$0 }
        }
        let module = GuestABI.moduleAreaBase..<(GuestABI.moduleAreaBase + GuestABI.moduleAreaSize)
        return (near.map { [("allocated code (near area)", $0)] } ?? []) + [("allocated code (module area)", module)]
    }

    /// The code whose address in a walk means a hijacked return address was not recovered.
    func returnTrampolines() -> [Range<UInt64>] {
        ["return_to_handler", "pb_kretprobe_brk_trampoline", "pb_kretprobe_trampoline"].compactMap { name in
            symbols.symbol(named: name).map { $0.address..<($0.address + max($0.size, 4)) }
        }
    }

    /// SHA-256 of the image file, identifying the guest a run measured.
    public func imageDigest() -> String {
        guard let data = try? Data(contentsOf: imageURL) else { return "unreadable" }
        return SHA256.hex(of: [UInt8](data))
    }
}
