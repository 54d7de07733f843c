import Emulator
import GuestKernel

/// Watches the guest's kernel text and records every write that does not come from its patching
/// routines, so a trampoline or handler bug that corrupts code fails the scenario instead of
/// silently changing what is measured.
final class TextWriteGuard {
    /// Writes from outside the patching routines: (storing PC, address, bytes).
    private(set) var violations: [(pc: UInt64, address: UInt64, count: Int)] = []

    static let patchingRoutines = ["pb_text_poke32", "pb_text_poke64", "pb_text_copy"]

    init(kernel: GuestKernel) throws {
        let start = try kernel.address(of: GuestABI.Symbol.textStart)
        let end = try kernel.address(of: GuestABI.Symbol.textEnd)
        let allowed = try Self.patchingRoutines.map { name -> Range<UInt64> in
            guard let symbol = kernel.symbols.symbol(named: name), symbol.size > 0 else {
                throw GuestError.missingSymbol(name, kernel.imageURL.path)
            }
            return symbol.address..<(symbol.address + symbol.size)
        }
        kernel.machine.watchWrites(to: start..<end)
        kernel.machine.watchedWriteHandler = { [unowned self] pc, address, count in
            if !allowed.contains(where: { $0.contains(pc) }) { violations.append((pc, address, count)) }
        }
    }

    /// Throws if anything but the patching routines wrote to text.
    func check(_ id: String, describe: (UInt64) -> String) throws {
        guard let first = violations.first else { return }
        throw MeasurementError.scenarioFailed(
            id: id, reason: "\(violations.count) write(s) to kernel text outside the patching routines; first: "
                + "\(first.count) byte(s) at \(describe(first.address)) by the store at \(describe(first.pc))")
    }
}
