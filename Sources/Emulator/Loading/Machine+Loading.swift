import Foundation

/// The board layout the guest is built for: QEMU virt's RAM and GIC.
public enum BoardLayout {
    /// RAM: 1 GiB from 0x4000_0000, as `qemu-system-aarch64 -M virt -m 1G`.
    public static let ram: Range<UInt64> = 0x4000_0000..<0x8000_0000
    /// The most bytes an image's segments may occupy together: the size of RAM. The loader
    /// allocates every page of a segment up front, so a larger image could exhaust the host.
    public static let segmentBytesLimit: UInt64 = ram.upperBound - ram.lowerBound
    /// The devices every machine maps, which no segment may cover (its pages would hide them).
    public static let devices: [(name: String, range: Range<UInt64>)] = [
        ("the GIC distributor", InterruptController.distributorRange),
        ("the GIC CPU interface", InterruptController.cpuInterfaceRange),
    ]
}

extension Machine {
    /// A machine with the virt board's RAM, the image's segments loaded and the PC at its entry point.
    public convenience init(image: ELFImage) {
        self.init()
        memory.addRAM(BoardLayout.ram)
        load(image)
    }

    /// Copies the image's segments into memory (zero-filling past the file bytes) and jumps to its entry.
    public func load(_ image: ELFImage) {
        for segment in image.segments {
            memory.map(segment.range)
            memory.writeBytes(segment.fileBytes, at: segment.address)
            let tail = segment.memorySize - UInt64(segment.fileBytes.count)
            if tail > 0 {
                memory.writeZeros(count: Int(tail), at: segment.address + UInt64(segment.fileBytes.count))
            }
        }
        pc = image.entry
    }
}

extension ELFImage {
    /// Reads and parses the ELF file at `path`.
    public init(contentsOf url: URL) throws(ELFError) {
        // Foundation names a directory or a FIFO only as a permission or generic error.
        let target = url.resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType,
           type != .typeRegular {
            let kind = type == .typeDirectory ? "a directory"
                : type == .typeCharacterSpecial || type == .typeBlockSpecial ? "a device" : type == .typeSocket ? "a socket"
                : "a FIFO or another special file"
            throw ELFError(url.path, "cannot be read: it is \(kind), not a regular file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ELFError(url.path, "cannot be read: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), name: url.path)
    }
}
