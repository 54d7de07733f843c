import DebugInfo
import GuestKernel

/// What one traced run produced.
public struct ProbeTrace: Sendable {
    public let compiled: CompiledProbe
    public let workload: ProbeWorkload
    /// Driver calls made.
    public let calls: Int
    /// Decoded events in the order they fired.
    public let events: [ProbeEvent]
    /// Records the guest dropped because the ring was full (0: the host drains it after every call).
    public let dropped: UInt64
    /// The events as the kernel's trace output would print them.
    public let lines: [String]
}

/// Definitions in, trace lines out: parses, resolves against the booted guest's symbols and DWARF,
/// compiles, attaches, runs a workload and reads the records back.
///
/// ```swift
/// let runner = try ProbeRunner(kernel: GuestKernel())
/// let trace = try runner.trace("f pb_wl_typed obj->balance obj->label:string", calls: 2)
/// trace.lines.forEach { print($0) }   // pb_wl_typed__entry: (pb_wl_typed+0x0/0x60) balance=… label="embedded-label"
/// ```
public final class ProbeRunner {
    public let kernel: GuestKernel
    public let image: ProbeTargetImage

    public init(kernel: GuestKernel, image: ProbeTargetImage) {
        self.kernel = kernel
        self.image = image
    }

    /// A runner over `kernel` with the DWARF of its image (libdw); without libdw only untyped
    /// arguments resolve, and typed ones say that the DWARF is unavailable and why.
    public convenience init(kernel: GuestKernel) {
        self.init(kernel: kernel, image: ProbeTargetImage(kernel: kernel, debugInfo: ProbeTargetImage.loadDebugInfo(for: kernel)))
    }

    /// Parses, resolves and compiles `definition`.
    public func compile(_ definition: String) throws -> CompiledProbe {
        try FetchProgramCompiler.compile(try ProbeResolver(image: image).resolve(definition))
    }

    /// Attaches `definition`, calls `workload` `calls` times (by default the workload that calls
    /// the probed function, else the typed one), detaches, and returns the events.
    public func trace(_ definition: String, workload: ProbeWorkload? = nil, calls: Int = 1) throws -> ProbeTrace {
        let compiled = try compile(definition)
        return try trace(compiled, workload: workload ?? ProbeWorkload.entering(compiled.probe.function.name) ?? .typedDefault,
                         calls: calls)
    }

    /// Runs a compiled probe; the ring is drained after every call so nothing is dropped.
    public func trace(_ compiled: CompiledProbe, workload: ProbeWorkload, calls: Int) throws -> ProbeTrace {
        let session = ProbeSession(kernel: kernel, compiled: compiled)
        let function = try kernel.address(of: workload.functionSymbol)
        let run = try kernel.address(of: GuestABI.Symbol.run)
        let (argument, overwritten) = try workload.prepare(kernel)
        defer { ProbeWorkload.restore(overwritten, in: kernel) }

        try session.attach()
        var events: [ProbeEvent] = []
        var dropped: UInt64 = 0
        do {
            for _ in 0..<max(0, calls) {
                try kernel.call(run, function, 1, argument)
                let taken = try session.takeEvents()
                events += taken.events
                dropped = taken.dropped
            }
        } catch {
            try? session.detach()
            throw error
        }
        try session.detach()
        let formatter = TraceLineFormatter(probe: compiled.probe, image: kernel.image)
        return ProbeTrace(compiled: compiled, workload: workload, calls: calls, events: events, dropped: dropped,
                          lines: events.map(formatter.line(for:)))
    }
}
