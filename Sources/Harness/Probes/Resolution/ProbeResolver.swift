import DebugInfo
import Emulator
import GuestKernel

/// Checks a parsed definition against the guest image and works out how to fetch every argument:
/// the mechanism and attach parameter, parameter locations and types from the function's DWARF,
/// members by name (through anonymous structs and unions, offsets added up), bitfields, strings.
///
/// ```swift
/// let image = ProbeTargetImage(kernel: kernel, debugInfo: ProbeTargetImage.loadDebugInfo(for: kernel))
/// let probe = try ProbeResolver(image: image).resolve(try ProbeDefinition.parse("f pb_wl_typed obj->balance"))
/// ```
public struct ProbeResolver: Sendable {
    public let image: ProbeTargetImage

    public init(image: ProbeTargetImage) {
        self.image = image
    }

    /// Parses and resolves `text`.
    public func resolve(_ text: String) throws -> ResolvedProbe {
        try resolve(try ProbeDefinition.parse(text))
    }

    /// Resolves a parsed definition.
    ///
    /// - Throws: ``ProbeDefinitionError`` pointing at the offending token.
    public func resolve(_ definition: ProbeDefinition) throws -> ResolvedProbe {
        let function = try probedFunction(definition)
        let point = try probePoint(definition, function: function)
        let registers = RegisterSetKind(mechanism: point.mechanism)
        let context = ArgumentContext(
            definition: definition, function: function, debugFunction: image.debugInfo?.functions(named: function.name).first,
            registers: registers, isReturn: definition.isReturnProbe, atFunctionEntry: point.atFunctionEntry)

        var arguments: [ResolvedArgument] = []
        var payloadBytes = 0
        var opCount = definition.isReturnProbe ? FetchProgramCompiler.returnAddressOps : 0
        for argument in definition.arguments {
            let resolved = try resolveArgument(argument, in: context)
            opCount += resolved.steps.count + 1
            payloadBytes += resolved.store.maximumPayloadBytes
            if opCount > GuestABI.Fetch.maxOps {
                throw error(definition, .programTooLong,
                            "the fetch program needs \(opCount) ops by this argument, more than the guest's \(GuestABI.Fetch.maxOps)",
                            argument.span)
            }
            if payloadBytes > GuestABI.Fetch.maxPayload {
                throw error(definition, .eventTooBig,
                            "the event would need up to \(payloadBytes) bytes by this argument, more than a record's \(GuestABI.Fetch.maxPayload)",
                            argument.span)
            }
            arguments.append(resolved)
        }

        let isReturn = definition.isReturnProbe
        let defaultGroup = definition.kind == .fprobe ? "fprobes" : "kprobes"
        let defaultEvent: String
        switch definition.kind {
        case .fprobe: defaultEvent = "\(function.name)__\(isReturn ? "exit" : "entry")"
        case .kprobe, .kretprobe: defaultEvent = "\(isReturn ? "r" : "p")_\(function.name)_\(definition.offset)"
        }
        return ResolvedProbe(
            definition: definition, mechanism: point.mechanism, registers: registers, isReturn: isReturn,
            group: definition.group ?? defaultGroup, event: definition.event ?? defaultEvent, function: function,
            probeAddress: point.probeAddress, attachParameter: point.attachParameter, arguments: arguments)
    }

    // MARK: The function and the probe point

    private func probedFunction(_ definition: ProbeDefinition) throws -> ResolvedProbe.Function {
        guard let symbol = image.symbols.symbol(named: definition.symbol), symbol.isFunction else {
            let hint = nearestFunctionNames(to: definition.symbol)
            throw error(definition, .unknownFunction,
                        "no function named '\(definition.symbol)' in the guest" + (hint.isEmpty ? "" : " (did you mean \(hint.joined(separator: ", "))?)"),
                        definition.symbolSpan)
        }
        guard image.patchableFunctions.contains(symbol.address) else {
            throw error(definition, .notPatchable,
                        "'\(symbol.name)' has no patchable entry (it is not built with -fpatchable-function-entry), so the guest cannot attach to it",
                        definition.symbolSpan)
        }
        return ResolvedProbe.Function(name: symbol.name, address: symbol.address, size: symbol.size)
    }

    struct ProbePoint {
        var mechanism: Mechanism
        var attachParameter: UInt64
        var probeAddress: UInt64
        /// Registers still hold the arguments: an entry event up to the function's first body instruction.
        var atFunctionEntry: Bool
    }

    /// Maps the kernel's symbol-relative offset to the guest's attach parameter, which is the same
    /// offset: `SYM` and `SYM+0` probe the symbol itself, the patch site's `mov x9, x30`, where arm64
    /// puts a kprobe on a function; `SYM+4` is the ftrace call site, which arm64 refuses to kprobe
    /// (no KPROBES_ON_FTRACE); `SYM+8` is the first body instruction.
    private func probePoint(_ definition: ProbeDefinition, function: ResolvedProbe.Function) throws -> ProbePoint {
        switch definition.kind {
        case .fprobe:
            return ProbePoint(mechanism: .fprobe, attachParameter: 0, probeAddress: function.address,
                              atFunctionEntry: !definition.isReturnProbe)
        case .kretprobe:
            return ProbePoint(mechanism: .kretprobeBRK, attachParameter: 0, probeAddress: function.address,
                              atFunctionEntry: false)
        case .kprobe where definition.isReturnProbe:
            return ProbePoint(mechanism: .kretprobeBRK, attachParameter: 0, probeAddress: function.address,
                              atFunctionEntry: false)
        case .kprobe:
            break
        }
        let offset = UInt64(definition.offset)
        let span = definition.offsetSpan ?? definition.symbolSpan
        guard offset % 4 == 0 else {
            throw error(definition, .misalignedOffset, "+\(offset) is not on an instruction boundary (a multiple of 4)", span)
        }
        guard offset != GuestABI.ftraceCallSiteOffset else {
            throw error(definition, .offsetInPatchSite,
                        "+\(offset) is the ftrace call site (the patch site's BL), which arm64 does not let a kprobe "
                            + "probe: probe +0 (the entry) or +8 onwards",
                        span)
        }
        guard offset < function.size else {
            throw error(definition, .offsetOutsideFunction,
                        "+\(offset) is outside \(function.name) (0x\(String(function.size, radix: 16)) bytes)", span)
        }
        guard offset < GuestABI.kprobeMaxOffset else {
            throw error(definition, .offsetTooLarge,
                        "+\(offset) is beyond the guest's kprobe reach (offsets below \(GuestABI.kprobeMaxOffset))", span)
        }
        // Up to the first body instruction the registers still hold the arguments.
        return ProbePoint(mechanism: .kprobeXOL, attachParameter: offset, probeAddress: function.address + offset,
                          atFunctionEntry: offset <= GuestABI.patchSiteBytes)
    }

    /// Function names within two edits of `name`, for "did you mean".
    private func nearestFunctionNames(to name: String) -> [String] {
        let target = Array(name.utf8)
        guard target.count <= 64 else { return [] }
        return image.symbols.entries
            .filter { $0.isFunction && image.patchableFunctions.contains($0.address) && abs($0.name.utf8.count - target.count) <= 2 }
            .map(\.name)
            .filter { Self.editDistance(Array($0.utf8), target) <= 2 }
            .sorted()
            .prefix(3)
            .map { $0 }
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    func error(_ definition: ProbeDefinition, _ code: ProbeDefinitionError.Code, _ message: String,
               _ span: DefinitionSpan) -> ProbeDefinitionError {
        ProbeDefinitionError(code, message, definition: definition.text, span: span)
    }
}
