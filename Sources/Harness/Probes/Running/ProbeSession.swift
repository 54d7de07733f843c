import A64
import GuestKernel

/// A compiled probe attached to a booted guest: writes its fetch programs into the control block,
/// attaches its mechanism with the `fetch` handler, and turns ring records back into events.
public final class ProbeSession {
    public let kernel: GuestKernel
    public let compiled: CompiledProbe
    public private(set) var isAttached = false

    public init(kernel: GuestKernel, compiled: CompiledProbe) {
        self.kernel = kernel
        self.compiled = compiled
    }

    /// Writes the programs, empties the ring and attaches. `handler` is `fetch` for tracing;
    /// `count` attaches the same mechanism without fetching (the cost baseline).
    ///
    /// - Throws: ``ProbeDefinitionError`` (`.guestRejected`) when the guest refuses the attach
    ///   (it leaves its text unchanged then); other guest errors as they come.
    public func attach(handler: HandlerKind = .fetch) throws {
        precondition(!isAttached, "the probe is already attached")
        let probe = compiled.probe
        kernel.writeFetchProgram(compiled.entryProgram, to: .entry)
        kernel.writeFetchProgram(compiled.exitProgram, to: .exit)
        kernel.discardFetchRecords()
        do {
            try kernel.attach(probe.mechanism, handler: handler, to: probe.function.address, parameter: probe.attachParameter)
        } catch GuestError.rejected(_, let code) {
            throw rejection(code: code)
        }
        isAttached = true
    }

    /// Detaches the probe (the guest restores its text byte for byte).
    public func detach() throws {
        guard isAttached else { return }
        try kernel.detach(from: compiled.probe.function.address)
        isAttached = false
    }

    /// Decodes and consumes everything in the ring.
    public func takeEvents() throws -> (events: [ProbeEvent], dropped: UInt64) {
        let contents = try kernel.takeFetchRecords()
        return (ProbeEvent.decode(contents.records, for: compiled), contents.dropped)
    }

    private func rejection(code: Int64) -> ProbeDefinitionError {
        let probe = compiled.probe
        let definition = probe.definition
        var message = "the guest refused to attach \(probe.mechanism.rawValue) to \(probe.function.name): \(GuestErrorCode.describe(code))"
        if code == -95, let word = kernel.machine.memory.readUInt32(at: probe.probeAddress) {
            let offset = probe.probeAddress - probe.function.address
            message = "\(probe.mechanism.rawValue) cannot probe '\(Disassembler.text(word: word, address: probe.probeAddress))' at \(probe.function.name)+0x\(String(offset, radix: 16)): it cannot run out of line (\(GuestErrorCode.describe(code)))"
        }
        return ProbeDefinitionError(.guestRejected, message, definition: definition.text, span: definition.probePointSpan)
    }
}
