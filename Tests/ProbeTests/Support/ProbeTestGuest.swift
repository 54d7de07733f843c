import DebugInfo
import Emulator
import Foundation
import GuestKernel
@testable import Harness

/// The guest image and its DWARF, shared by the tests that need them.
enum ProbeTestGuest {
    /// The harness image's DWARF, read once; the failure when libdw (or the image) is unavailable.
    static let debugInfo: Result<DWARFProgram, Error> = Result {
        try DWARFProgram(elfPath: try GuestKernel.imageURL(.harness).path)
    }

    /// Whether typed tests can run: only a missing libdw skips them. Any other failure to read
    /// the DWARF lets them run, and fail with the error.
    static var hasDebugInfo: Bool {
        if case .failure(DebugInfoError.libdwUnavailable) = debugInfo { return false }
        return true
    }

    /// Why typed tests are skipped.
    static var skipReason: String {
        switch debugInfo {
        case .success: return ""
        case .failure(let error): return "typed probe tests need the guest's DWARF, read with libdw: \(error)"
        }
    }

    /// A freshly booted harness guest.
    static func kernel() throws -> GuestKernel {
        try GuestKernel(image: .harness)
    }

    /// A runner over a fresh guest with the shared DWARF.
    static func runner() throws -> ProbeRunner {
        let kernel = try kernel()
        return ProbeRunner(kernel: kernel, image: ProbeTargetImage(kernel: kernel, debugInfo: debugInfo))
    }

    /// The kernel text, byte for byte (to check that a refused definition changed nothing).
    static func text(of kernel: GuestKernel) throws -> [UInt8] {
        let start = try kernel.address(of: GuestABI.Symbol.textStart)
        let end = try kernel.address(of: GuestABI.Symbol.textEnd)
        return kernel.machine.memory.readBytes(at: start, count: Int(end - start)) ?? []
    }
}

/// The known values of the typed workload's data (`Guest/typed/typed.c`; change both together).
enum TypedWorkloadValues {
    static let id: UInt64 = 0x1111_2222_3333_4444
    static let name = "typed-object"
    static let kind: UInt64 = 7
    static let balance: Int64 = -1_234_567_890_123
    static let state: UInt64 = 5
    static let level: Int64 = -13
    static let mode: UInt64 = 9
    static let label = "embedded-label"
    static let innerTag: UInt64 = 0xBEEF
    static let innerWord: UInt64 = 0xDEAD_BEEF
    static let innerValue: UInt64 = 0x0123_4567_89AB_CDEF
    static let peerID: UInt64 = 0x2222
    static let peerName = "peer-object"
    static let peerRaw: UInt64 = 0xFEED_FACE_CAFE_BEEF
    static let peerLevel: Int64 = 31
    static let peerLabel = "peer-label"
    static let tag = "typed-tag"

    /// `pb_wl_typed`'s status for these call arguments: balance + count * delta + level + mode.
    static func status(_ arguments: TypedWorkloadArguments) -> Int64 {
        balance &+ arguments.count &* Int64(arguments.delta) &+ level &+ Int64(arguments.mode)
    }

    /// `pb_wl_typed`'s checksum: (u16)(count ^ delta).
    static func checksum(_ arguments: TypedWorkloadArguments) -> UInt64 {
        UInt64(UInt16(truncatingIfNeeded: arguments.count ^ Int64(arguments.delta)))
    }
}
