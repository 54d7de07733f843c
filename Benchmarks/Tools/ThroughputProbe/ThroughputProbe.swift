import Emulator
import Foundation
import ThroughputStreams

// A throughput stream behind a C interface, built as a shared library so that two builds of the
// emulator can run in one process, turn and turn about (`Benchmarks/ab-compare.sh`): each copy of
// the library holds its own copy of the emulator, and the driver loads both with RTLD_LOCAL.

/// Makes the stream `name` (see `NamedStream.names`) in timing mode `mode` (`functional` or a
/// profile's name) and runs it a million guest instructions to warm it up. Returns a handle for
/// `pb_stream_run` and `pb_stream_close`, or nil after writing what went wrong to `error`
/// (`errorCapacity` bytes, NUL-terminated).
@_cdecl("pb_stream_open")
public func pb_stream_open(_ name: UnsafePointer<CChar>, _ mode: UnsafePointer<CChar>,
                           _ error: UnsafeMutablePointer<CChar>, _ errorCapacity: Int) -> UnsafeMutableRawPointer? {
    do {
        let stream = try NamedStream(name: String(cString: name), timing: try NamedStream.timing(named: String(cString: mode)))
        try stream.run(instructions: 1_000_000)
        return Unmanaged.passRetained(stream).toOpaque()
    } catch let failure {
        let text = Array(String(describing: failure).utf8CString.prefix(max(0, errorCapacity - 1))) + [0]
        text.withUnsafeBufferPointer { error.update(from: $0.baseAddress!, count: min(text.count, errorCapacity)) }
        return nil
    }
}

/// Runs `instructions` more guest instructions of the stream and returns the wall-clock
/// nanoseconds they took (CLOCK_MONOTONIC), or -1 when the stream stopped early.
@_cdecl("pb_stream_run")
public func pb_stream_run(_ handle: UnsafeMutableRawPointer, _ instructions: UInt64) -> Int64 {
    let stream = Unmanaged<NamedStream>.fromOpaque(handle).takeUnretainedValue()
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    do { try stream.run(instructions: instructions) } catch { return -1 }
    clock_gettime(CLOCK_MONOTONIC, &end)
    return (Int64(end.tv_sec) - Int64(start.tv_sec)) * 1_000_000_000 + (Int64(end.tv_nsec) - Int64(start.tv_nsec))
}

/// Releases a stream `pb_stream_open` made.
@_cdecl("pb_stream_close")
public func pb_stream_close(_ handle: UnsafeMutableRawPointer) {
    Unmanaged<NamedStream>.fromOpaque(handle).release()
}
