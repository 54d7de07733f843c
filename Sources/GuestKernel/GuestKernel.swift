import Emulator
import Foundation

/// The booted guest kernel on a machine, and the host calls that drive it.
///
/// A host call sets up the AAPCS64 call the guest ABI describes (arguments in X0–X7, SP at the
/// task stack top, X29 = 0, X30 = `pb_host_return`) and runs until the guest's `hlt #1` hands
/// control back. Calls that the harness wants to observe closely can be started with
/// `beginCall` and driven with `Machine.run` (hooks stop inside them), then finished with
/// `finishCall`.
public final class GuestKernel {
    public let machine: Machine
    public let image: ELFImage
    public let symbols: SymbolTable
    public let imageURL: URL

    /// Addresses resolved once at boot.
    public let controlAddress: UInt64
    public let hostReturn: UInt64
    public let taskStackTop: UInt64
    public let driverCallSite: UInt64
    public let driverReturnSite: UInt64

    /// Instructions a host call may take before it counts as a runaway guest.
    public var callInstructionLimit: UInt64 = 200_000_000

    /// The last of what the guest printed, for errors (a panic says why before it exits).
    private let console = ConsoleTail()

    /// The guest images built by the package plugin.
    public enum ImageName: String, Sendable {
        /// Boots and waits for host calls.
        case harness = "guest"
        /// Checks every path internally and exits with a summary.
        case selfTest = "guest-selftest"
    }

    /// Loads and boots the harness image (or another image with the same ABI) on a fresh machine.
    public convenience init(image name: ImageName = .harness) throws {
        try self.init(imageURL: try Self.imageURL(name))
    }

    public convenience init(imageURL: URL) throws {
        let image: ELFImage
        do {
            image = try ELFImage(contentsOf: imageURL)
        } catch {
            throw GuestError.badImage("\(error)")
        }
        try self.init(image: image, url: imageURL)
    }

    /// Boots an already parsed image (parse once, boot many: each scenario gets a fresh machine).
    public convenience init(image: ELFImage, url imageURL: URL) throws {
        try self.init(image: image, symbols: SymbolTable(image: image), url: imageURL)
    }

    /// Boots an already parsed image whose symbol table is already built (`SymbolTable(image: image)`):
    /// building it again for every scenario's machine took a quarter of the kernel's set-up.
    public init(image: ELFImage, symbols: SymbolTable, url imageURL: URL) throws {
        try Self.checkSymbols(of: image, symbols: symbols, url: imageURL)
        self.imageURL = imageURL
        self.image = image
        self.symbols = symbols
        machine = Machine(image: image)
        machine.consoleOutput = { [console] in console.append($0) }
        let table = symbols
        func resolve(_ name: String) throws -> UInt64 {
            guard let address = table.address(of: name) else { throw GuestError.missingSymbol(name, imageURL.path) }
            return address
        }
        controlAddress = try resolve(GuestABI.Symbol.control)
        hostReturn = try resolve(GuestABI.Symbol.hostReturn)
        taskStackTop = try resolve(GuestABI.Symbol.taskStackTop)
        driverCallSite = try resolve(GuestABI.Symbol.driverCallSite)
        driverReturnSite = try resolve(GuestABI.Symbol.driverReturnSite)
        try boot()
    }

    /// A kernel in the state `booted` is in, on a copy of its machine (`Machine(copying:)`): what
    /// booting the same image again would give, without running the boot. `booted` must not have
    /// run anything since it booted.
    public init(copying booted: GuestKernel) {
        imageURL = booted.imageURL
        image = booted.image
        symbols = booted.symbols
        machine = Machine(copying: booted.machine)
        machine.consoleOutput = { [console] in console.append($0) }
        controlAddress = booted.controlAddress
        hostReturn = booted.hostReturn
        taskStackTop = booted.taskStackTop
        driverCallSite = booted.driverCallSite
        driverReturnSite = booted.driverReturnSite
        callInstructionLimit = booted.callInstructionLimit
    }

    /// Runs the image from its entry point to its first `hlt #1` and checks the control block.
    private func boot() throws {
        let stop = machine.run(instructionLimit: callInstructionLimit)
        guard case .halted(GuestABI.hostReturnHalt, _) = stop else {
            throw GuestError.bootFailed("\(stop)")
        }
        let magic = machine.memory.readUInt64(at: controlAddress + GuestABI.Control.magic)
        let version = machine.memory.readUInt64(at: controlAddress + GuestABI.Control.abiVersion)
        guard magic == GuestABI.controlMagic, version == GuestABI.version else {
            throw GuestError.bootFailed("control block magic 0x\(String(magic ?? 0, radix: 16)), ABI version \(version ?? 0); expected version \(GuestABI.version)")
        }
    }

    /// The regions the host reads or watches, each bounded by a start and an end symbol (an image
    /// may leave out the optional ones; the text region is required where it is used).
    static let symbolRegions = [(GuestABI.Symbol.textStart, GuestABI.Symbol.textEnd),
                                (GuestABI.Symbol.nearAreaStart, GuestABI.Symbol.nearAreaEnd),
                                (GuestABI.Symbol.patchSitesStart, GuestABI.Symbol.patchSitesEnd)]

    /// Checks the symbols the host computes with before the image boots: each symbol lies, with its
    /// size, inside one segment of the image, so its address is below 2^48 and adding an offset or
    /// its size cannot overflow; and each of `symbolRegions` starts at or below its end in one
    /// segment, so a walk over it is bounded by the image. A symbol table damaged on its way to a
    /// value near 2^64 made host arithmetic on it trap (the control block's fields, the patch-site
    /// table walked to its end). The error names the file and the symbol.
    static func checkSymbols(of image: ELFImage, symbols: SymbolTable, url: URL) throws(GuestError) {
        let segments = image.segments.map(\.range)
        func inOneSegment(_ start: UInt64, _ end: UInt64) -> Bool {
            segments.contains { $0.lowerBound <= start && start <= end && end <= $0.upperBound }
        }
        func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
        for symbol in image.symbols {
            let (end, overflow) = symbol.address.addingReportingOverflow(symbol.size)
            guard !overflow, inOneSegment(symbol.address, end) else {
                throw GuestError.badImage("\(url.path): symbol \(symbol.name) at \(hex(symbol.address)) (size \(hex(symbol.size))) "
                                          + "does not lie inside a segment of the image")
            }
        }
        for (startName, endName) in symbolRegions {
            guard let start = symbols.address(of: startName), let end = symbols.address(of: endName) else { continue }
            guard inOneSegment(start, end) else {
                throw GuestError.badImage("\(url.path): \(startName) (\(hex(start))) and \(endName) (\(hex(end))) do not bound "
                                          + "a region inside one segment of the image")
            }
        }
    }

    /// The address of symbol `name`, or an error naming it.
    public func address(of name: String) throws -> UInt64 {
        guard let address = symbols.address(of: name) else { throw GuestError.missingSymbol(name, imageURL.path) }
        return address
    }

    // MARK: Host calls

    /// Prepares a call of `function` with `arguments` (at most eight) without running it.
    public func beginCall(_ function: UInt64, _ arguments: [UInt64]) {
        precondition(arguments.count <= 8, "host calls pass at most eight register arguments")
        console.removeAll() // an error names what this call printed, not an earlier one
        for (index, value) in arguments.enumerated() { machine[x: index] = value }
        machine.sp = taskStackTop
        machine[x: 29] = 0
        machine[x: 30] = hostReturn
        machine.pc = function
    }

    /// Whether a stop ends the current host call; throws if the guest stopped abnormally.
    public func isCallFinished(_ stop: StopReason) throws -> Bool {
        switch stop {
        case .halted(GuestABI.hostReturnHalt, let pc) where pc == hostReturn:
            // Code the guest wrote must be fetchable by the time it hands control back: an early
            // fetch of a concurrently modifiable instruction may run (the architecture lets it get
            // either word), so a routine that never finishes its maintenance shows here.
            if let report = machine.unsynchronizedCodeReport(symbolize: symbols.describe) {
                throw GuestError.codeNotSynchronized(report)
            }
            return true
        case .hook:
            return false
        case .instructionLimit:
            throw GuestError.runaway(limit: callInstructionLimit, pc: machine.pc, symbol: symbols.describe(machine.pc))
        case .fault(let fault):
            throw GuestError.fault(fault, symbol: symbols.describe(fault.pc))
        case .exited(let status):
            throw GuestError.unexpectedStop("the guest exited with status \(status) during a host call"
                                             + (console.lastReport.map { "; it printed: \($0)" } ?? ""))
        case .halted(let immediate, let pc):
            throw GuestError.unexpectedStop("HLT #\(immediate) at \(symbols.describe(pc) ?? "0x" + String(pc, radix: 16))")
        }
    }

    /// The call's return value (X0) once `isCallFinished` said so.
    public var callResult: Int64 { Int64(bitPattern: machine[x: 0]) }

    /// Calls `function` and runs it to completion, ignoring hooks; returns X0.
    @discardableResult
    public func call(_ function: UInt64, _ arguments: UInt64...) throws -> Int64 {
        try call(function, arguments: arguments)
    }

    @discardableResult
    public func call(_ function: UInt64, arguments: [UInt64]) throws -> Int64 {
        beginCall(function, arguments)
        let limit = machine.counters.instructions &+ callInstructionLimit
        while true {
            let remaining = limit &- machine.counters.instructions
            guard remaining > 0 else {
                throw GuestError.runaway(limit: callInstructionLimit, pc: machine.pc, symbol: symbols.describe(machine.pc))
            }
            if try isCallFinished(machine.run(instructionLimit: remaining)) { return callResult }
        }
    }

    /// Calls the guest entry point named `name`.
    @discardableResult
    public func call(_ name: String, _ arguments: UInt64...) throws -> Int64 {
        try call(try address(of: name), arguments: arguments)
    }

    // MARK: The harness-facing API

    /// Attaches `mechanism` with `handler` to `function`; throws the guest's error code otherwise.
    public func attach(_ mechanism: Mechanism, handler: HandlerKind, to function: UInt64, parameter: UInt64 = 0) throws {
        let result = try call(GuestABI.Symbol.attach, mechanism.guestID, handler.guestID, function, parameter)
        guard result == 0 else {
            throw GuestError.rejected(operation: "attach \(mechanism.rawValue)/\(handler.rawValue) to \(symbols.describe(function) ?? "0x" + String(function, radix: 16))",
                                      code: result)
        }
    }

    /// Attaches to the workload's function, with the parameter the mechanism needs for it.
    public func attach(_ mechanism: Mechanism, handler: HandlerKind, to workload: Workload) throws {
        try attach(mechanism, handler: handler, to: try address(of: workload.symbol),
                   parameter: Self.attachParameter(mechanism, workload))
    }

    /// The `pb_attach` parameter a mechanism needs for a workload (fentry-fexit copies stack arguments).
    public static func attachParameter(_ mechanism: Mechanism, _ workload: Workload) -> UInt64 {
        mechanism == .fentryFexit && workload == .args ? 3 : 0
    }

    public func detach(from function: UInt64) throws {
        let result = try call(GuestABI.Symbol.detach, function)
        guard result == 0 else {
            throw GuestError.rejected(operation: "detach from \(symbols.describe(function) ?? "0x" + String(function, radix: 16))", code: result)
        }
    }

    public func detach(from workload: Workload) throws {
        try detach(from: try address(of: workload.symbol))
    }

    /// Calls `workload` `count` times from the guest driver; returns the accumulated results.
    @discardableResult
    public func run(_ workload: Workload, count: Int, argument: Int64 = 0) throws -> Int64 {
        try call(GuestABI.Symbol.run, try address(of: workload.symbol), UInt64(count), UInt64(bitPattern: argument))
    }

    /// Sets the number of ops in the ftrace list for the next ftrace-list attach.
    public func setOpsCount(_ count: Int) throws {
        let result = try call(GuestABI.Symbol.setOpsCount, UInt64(count))
        guard result >= 0 else { throw GuestError.rejected(operation: "set ops count \(count)", code: result) }
    }

    /// Has `count` other tracers' ops (each a handler that counts) also trace the function of the
    /// next ftrace-args, -regs, -list or -callops attach (`pb_set_shared_ops`).
    public func setSharedOps(_ count: Int) throws {
        let result = try call(GuestABI.Symbol.setSharedOps, UInt64(count))
        guard result >= 0 else { throw GuestError.rejected(operation: "set shared ops \(count)", code: result) }
    }

    /// Calls the shared ops' handlers made since the last reset.
    public func sharedOpsHits() throws -> UInt64 {
        try readWord(GuestABI.Symbol.sharedOpsHits)
    }

    /// Arms the IRQ-call interrupt (`GuestABI.irqCallInterrupt`): each time it is raised, the guest
    /// calls `function(argument)` from IRQ context and keeps the result (`irqCalls`).
    public func armIRQCall(_ function: UInt64, argument: Int64) throws {
        _ = try call(GuestABI.Symbol.armIRQCall, function, UInt64(bitPattern: argument))
    }

    /// The calls the IRQ-call interrupt made since it was armed, and what the last one returned.
    public func irqCalls() throws -> (count: UInt64, lastResult: Int64) {
        (try readWord(GuestABI.Symbol.irqCallCount), Int64(bitPattern: try readWord(GuestABI.Symbol.irqCallResult)))
    }

    /// Pieces of generated code (trampolines, veneers, kprobe slots) allocated now, including
    /// those freed from an interrupt and waiting for their grace period.
    public func generatedCodeCount() throws -> UInt64 {
        try readWord(GuestABI.Symbol.codeMap)
    }

    /// The 64-bit word at a guest symbol.
    private func readWord(_ symbol: String) throws -> UInt64 {
        let address = try address(of: symbol)
        guard let word = machine.memory.readUInt64(at: address) else {
            throw GuestError.badImage("\(symbol) at 0x\(String(address, radix: 16)) is not in the guest's memory")
        }
        return word
    }

    /// Zeroes counters, last values, walks and the fetch ring.
    public func reset() throws {
        try call(GuestABI.Symbol.reset)
    }

    /// The control block as it is now.
    public var control: ControlBlock { ControlBlock(memory: machine.memory, base: controlAddress) }
}

/// An error from the guest or from driving it, naming what and where.
public enum GuestError: Error, CustomStringConvertible, Equatable {
    case imageMissing(String)
    case badImage(String)
    case missingSymbol(String, String)
    case bootFailed(String)
    case runaway(limit: UInt64, pc: UInt64, symbol: String?)
    case fault(MachineFault, symbol: String?)
    case unexpectedStop(String)
    case rejected(operation: String, code: Int64)
    /// A host call returned with code the guest wrote still lacking a maintenance step
    /// (`Machine.unsynchronizedCodeReport`).
    case codeNotSynchronized(String)

    public var description: String {
        switch self {
        case .imageMissing(let name):
            return "guest image \(name) is not in the GuestKernel resources (was the package built? bench needs its "
                + "\(GuestKernel.resourceFolderName) folder beside it, or the package's build folder)"
        case .badImage(let reason): return "guest image unusable: \(reason)"
        case .missingSymbol(let name, let path): return "guest image \(path) has no symbol \(name)"
        case .bootFailed(let reason): return "the guest did not boot: \(reason)"
        case .runaway(let limit, let pc, let symbol):
            return "the guest ran \(limit) instructions without returning to the host (now at \(symbol ?? "0x" + String(pc, radix: 16)))"
        case .fault(let fault, let symbol): return "guest fault: \(fault)\(symbol.map { " in \($0)" } ?? "")"
        case .unexpectedStop(let what): return "unexpected stop: \(what)"
        case .rejected(let operation, let code): return "guest rejected \(operation): \(GuestErrorCode.describe(code))"
        case .codeNotSynchronized(let report): return "the guest returned to the host with \(report)"
        }
    }
}

/// The guest's negative error codes (PB_E*).
public enum GuestErrorCode {
    public static func describe(_ code: Int64) -> String {
        switch code {
        case -2: return "ENOENT (not attached)"
        case -12: return "ENOMEM (out of attachments, ops, slots or trampoline memory)"
        case -16: return "EBUSY (already attached)"
        case -22: return "EINVAL (unknown mechanism or handler kind, or a bad parameter)"
        case -34: return "ERANGE (trampoline out of branch range)"
        case -84: return "EILSEQ (not a patchable site)"
        case -95: return "EOPNOTSUPP (the probed instruction cannot be handled by this mechanism)"
        default: return "error \(code)"
        }
    }
}

/// The last kilobytes a guest printed through semihosting during the current host call, kept so that
/// an error can say what the guest said before it stopped (a panic prints its reason, then the
/// registers).
final class ConsoleTail: @unchecked Sendable {
    private static let capacity = 4096
    private var bytes: [UInt8] = []

    /// Called by the machine for each byte printed (on the thread running the machine).
    func append(_ byte: UInt8) {
        if bytes.count == Self.capacity { bytes.removeFirst(Self.capacity / 2) }
        bytes.append(byte)
    }

    /// Forgets what was printed so far.
    func removeAll() {
        if !bytes.isEmpty { bytes.removeAll(keepingCapacity: true) }
    }

    /// The last panic's first two lines (its reason and where it was taken), or else the last line
    /// printed; nil when nothing was.
    var lastReport: String? {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if let panic = lines.lastIndex(where: { $0.hasPrefix("PANIC:") }) {
            return lines[panic...].prefix(2).joined(separator: " ")
        }
        return lines.last
    }
}
