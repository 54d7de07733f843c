/// Builds minimal ELF64 executables byte by byte, so loader tests can make every header field wrong.
///
/// The image is an ELF header, the program headers (one PT_LOAD per segment) and the segments'
/// bytes, with no section headers.
public struct ELFBuilder {
    /// A PT_LOAD segment.
    public struct Segment {
        public var address: UInt64
        public var bytes: [UInt8]
        public var memorySize: UInt64
        /// PF_X = 1, PF_W = 2, PF_R = 4.
        public var flags: UInt32

        public init(address: UInt64, bytes: [UInt8], memorySize: UInt64? = nil, flags: UInt32 = 5) {
            self.address = address
            self.bytes = bytes
            self.memorySize = memorySize ?? UInt64(bytes.count)
            self.flags = flags
        }
    }

    /// EI_CLASS: 2 = ELF64.
    public var fileClass: UInt8 = 2
    /// EI_DATA: 1 = little-endian.
    public var byteOrder: UInt8 = 1
    /// e_machine: 183 = AArch64.
    public var machine: UInt16 = 183
    public var entry: UInt64
    public var segments: [Segment]

    public init(entry: UInt64, segments: [Segment]) {
        self.entry = entry
        self.segments = segments
    }

    static let headerSize = 64
    static let programHeaderSize = 56

    /// The file's bytes.
    public var bytes: [UInt8] {
        var file = [UInt8](repeating: 0, count: Self.headerSize)
        file[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        file[4] = fileClass
        file[5] = byteOrder
        file[6] = 1 // EV_CURRENT
        put(2, at: 16, size: 2, in: &file) // ET_EXEC
        put(UInt64(machine), at: 18, size: 2, in: &file)
        put(1, at: 20, size: 4, in: &file)
        put(entry, at: 24, size: 8, in: &file)
        put(UInt64(Self.headerSize), at: 32, size: 8, in: &file) // e_phoff
        put(UInt64(Self.headerSize), at: 52, size: 2, in: &file) // e_ehsize
        put(UInt64(Self.programHeaderSize), at: 54, size: 2, in: &file)
        put(UInt64(segments.count), at: 56, size: 2, in: &file)
        put(64, at: 58, size: 2, in: &file) // e_shentsize

        var dataOffset = UInt64(Self.headerSize + Self.programHeaderSize * segments.count)
        var headers: [UInt8] = []
        for segment in segments {
            var header = [UInt8](repeating: 0, count: Self.programHeaderSize)
            put(1, at: 0, size: 4, in: &header) // PT_LOAD
            put(UInt64(segment.flags), at: 4, size: 4, in: &header)
            put(dataOffset, at: 8, size: 8, in: &header)
            put(segment.address, at: 16, size: 8, in: &header)
            put(segment.address, at: 24, size: 8, in: &header)
            put(UInt64(segment.bytes.count), at: 32, size: 8, in: &header)
            put(segment.memorySize, at: 40, size: 8, in: &header)
            put(8, at: 48, size: 8, in: &header)
            headers += header
            dataOffset += UInt64(segment.bytes.count)
        }
        return file + headers + segments.flatMap(\.bytes)
    }

    private func put(_ value: UInt64, at offset: Int, size: Int, in bytes: inout [UInt8]) {
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
    }
}
