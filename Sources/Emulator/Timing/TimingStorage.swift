/// Owns the fixed buffers of one cycle model (predictor tables, cache tags, scoreboard, pipe
/// reservations) and frees them when the last copy of the model goes away.
///
/// Models keep raw pointers into these buffers, so the hot path never touches this object:
/// no reference counting, no allocation, no dynamic dispatch per instruction.
final class TimingStorage {
    private var words: [UnsafeMutablePointer<UInt64>] = []
    private var byteBuffers: [UnsafeMutablePointer<UInt8>] = []
    private var costTables: [UnsafeMutablePointer<PackedClassCost>] = []
    private var alignedBuffers: [UnsafeMutableRawPointer] = []
    /// Tables of separately allocated records (`RunTimingMemo`'s), each freed with its records.
    private var recordTables: [(slots: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>, count: Int)] = []

    /// Takes ownership of an initialised cost table.
    func adopt(_ table: UnsafeMutablePointer<PackedClassCost>) {
        costTables.append(table)
    }

    /// A zeroed buffer of `count` 64-bit words that lives as long as this storage.
    func words(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: max(count, 1))
        buffer.initialize(repeating: 0, count: max(count, 1))
        words.append(buffer)
        return buffer
    }

    /// A zeroed buffer of `count` 64-bit words starting on a 4 KiB boundary, so that where its
    /// parts fall relative to page offsets is fixed by the caller's layout, not by the allocator.
    func pageAlignedWords(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 8, alignment: 4096)
        alignedBuffers.append(raw)
        let buffer = raw.bindMemory(to: UInt64.self, capacity: max(count, 1))
        buffer.initialize(repeating: 0, count: max(count, 1))
        return buffer
    }

    /// A zeroed buffer of `count` bytes that lives as long as this storage.
    func bytes(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
        buffer.initialize(repeating: 0, count: max(count, 1))
        byteBuffers.append(buffer)
        return buffer
    }

    /// A table of `count` empty record slots; whatever records are in it when this storage goes
    /// away are freed with it (a record replaced earlier is freed by whoever replaces it).
    func recordTable(_ count: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?> {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
        recordTables.append((slots, count))
        return slots
    }

    deinit {
        for table in recordTables {
            for index in 0..<table.count { table.slots[index]?.deallocate() }
            table.slots.deallocate()
        }
        for buffer in alignedBuffers { buffer.deallocate() }
        for buffer in words { buffer.deallocate() }
        for buffer in byteBuffers { buffer.deallocate() }
        for table in costTables { table.deallocate() }
    }
}
