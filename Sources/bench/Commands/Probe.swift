import ArgumentParser
import Foundation
import GuestKernel
import Harness

/// `bench probe 'DEFINITION'`: a kprobe, kretprobe or fprobe with typed arguments on the guest,
/// its events printed as the kernel's trace would show them, and what fetching them costs.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach a dynamic-event definition to the guest, print its events and the cost of fetching its arguments.",
        discussion: """
        DEFINITION uses the kernel's dynamic_events syntax:
          p[:[GRP/]EVENT] SYM[+OFFS] [ARGS]    kprobe: kprobe-xol, pt_regs
          p[:[GRP/]EVENT] SYM%return [ARGS]    kretprobe: kretprobe-brk, pt_regs
          r[:[GRP/]EVENT] SYM [ARGS]           kretprobe: kretprobe-brk, pt_regs
          f[:[GRP/]EVENT] SYM[%return] [ARGS]  fprobe: ftrace_regs ($retval: at return)
        ARGS are [NAME=]FETCHARG[:TYPE]. FETCHARG: %REG (kprobes only), $argN, $retval, $stackN, $stack, \
        @ADDR, @SYM[+|-OFFS], +|-OFFS(FETCHARG), \\IMM, or a parameter name followed by ->member and .member \
        at any depth (anonymous structs and unions are searched). TYPE: u8…u64, s8…s64, x8…x64, string, \
        symbol, b<width>@<offset>/<container>; without one the type comes from the guest's DWARF.
        SYM+OFFS is symbol-relative as in the kernel: +0 is the function entry, where arm64 puts a kprobe on \
        the patch site's `mov x9, x30` (before the ftrace call); +4 is the ftrace call site, which kprobes \
        refuse; +8 is the first body instruction.

        The default workload is the one that calls SYM (typed: pb_wl_typed(&pb_typed_object, count, delta, \
        mode, pb_typed_tag)). The fetch cost is the call window in which the arguments are fetched, timed \
        with --cpu's cycle model, with the fetch handler minus with the count handler, per argument.

        Example: bench probe 'f pb_wl_typed obj->balance obj->level obj->label:string obj->next->name:string'
        """)

    @Argument(help: "The probe definition (quote it).")
    var definition: String

    @Option(help: "The workload to run: \(ProbeWorkload.names.joined(separator: ", ")) (default: the one that calls the probed function, else typed).")
    var workload: String?

    @Option(name: .customShort("n"), help: "Driver calls to trace.")
    var calls: Int = 3

    @Option(help: "The CPU profile that times the fetch cost (\(HarnessProfiles.names.joined(separator: ", "))).")
    var cpu: String = HarnessProfiles.defaultName

    @Flag(help: "Print the compiled fetch ops of every argument.")
    var program = false

    @Flag(help: "Skip the fetch-cost measurement.")
    var noCost = false

    /// Exit status for a definition that does not resolve (EX_USAGE).
    static let badDefinition: Int32 = 64

    /// The most driver calls `-n` takes: a probe's events are kept until the run ends, and a
    /// bigger trace is better taken by `bench run`'s fetch costs.
    static let maximumCalls = 100_000

    func run() throws {
        guard (0...Self.maximumCalls).contains(calls) else {
            throw ValidationError("-n must be between 0 and \(Self.maximumCalls), not \(calls)")
        }
        guard HarnessProfiles.names.contains(cpu) else {
            throw ValidationError("unknown CPU profile '\(cpu)' (known: \(HarnessProfiles.names.joined(separator: ", ")))")
        }
        var selected: ProbeWorkload?
        if let workload {
            guard let named = ProbeWorkload.named(workload) else {
                throw ValidationError("unknown workload '\(workload)' (known: \(ProbeWorkload.names.joined(separator: ", ")))")
            }
            selected = named
        }

        let kernel: GuestKernel
        do {
            kernel = try GuestKernel()
        } catch {
            printError("bench probe: \(error)")
            throw ExitCode.failure
        }
        let runner = ProbeRunner(kernel: kernel)
        let trace: ProbeTrace
        do {
            let compiled = try runner.compile(definition)
            let chosen = selected ?? ProbeWorkload.entering(compiled.probe.function.name) ?? .typedDefault
            describe(compiled, workload: chosen, debugInfoProblem: runner.image.debugInfoProblem)
            trace = try runner.trace(compiled, workload: chosen, calls: calls)
        } catch let error as ProbeDefinitionError {
            printError("bench probe: \(error)")
            throw ExitCode(Self.badDefinition)
        } catch {
            printError("bench probe: \(error)")
            throw ExitCode.failure
        }

        for line in trace.lines { print(line) }
        if trace.events.isEmpty {
            print("(no events: \(trace.workload.name) ran \(calls) time\(calls == 1 ? "" : "s") without reaching \(trace.compiled.probe.function.name))")
        }
        if trace.dropped > 0 { print("(\(trace.dropped) records dropped: the ring was full)") }
        guard !noCost else { return }
        do {
            let cost = try FetchCostMeasurement.measure(trace.compiled, cpu: cpu, workload: selected, environment: try MeasurementEnvironment())
            print(Self.summary(of: cost))
        } catch {
            print("fetch cost: not measured: \(error)")
        }
    }

    /// The canonical definition, where it attaches and what each argument compiles to.
    private func describe(_ compiled: CompiledProbe, workload: ProbeWorkload, debugInfoProblem: String?) {
        let probe = compiled.probe
        print(probe.canonicalDefinition)
        let at = probe.isReturn ? "the return of \(probe.function.name)" : "\(probe.function.name)+0x\(String(probe.probeAddress - probe.function.address, radix: 16))"
        print("  \(probe.mechanism.rawValue) at \(at), reading \(probe.registers.rawValue); \(compiled.argumentProgram.count) fetch ops; workload \(workload.name), \(calls) call\(calls == 1 ? "" : "s")")
        if !probe.arguments.isEmpty {
            print("  fetched as " + probe.arguments.map { "\($0.name):\($0.type)" }.joined(separator: " "))
        }
        if let debugInfoProblem { print("  (no DWARF: \(debugInfoProblem))") }
        guard program else { return }
        for (argument, ops) in zip(probe.arguments, compiled.argumentOps) {
            let typed = argument.cType.map { " (\($0))" } ?? ""
            print("  \(argument.name)=\(argument.source):\(argument.type)\(typed)")
            for op in ops { print("      \(op)") }
        }
    }

    static func summary(of cost: FetchCost) -> String {
        func cycles(_ value: Double) -> String { String(format: "%.1f", value) }
        return "fetch cost on \(cost.cpu) (\(cost.mechanism), \(cost.registers), \(cost.window) window, \(cost.measuredCalls) calls): "
            + "\(cycles(cost.withFetch.cycles)) cycles with fetch, \(cycles(cost.withCount.cycles)) with count: "
            + "+\(cycles(cost.fetchCycles)) cycles (+\(cycles(cost.fetchInstructions)) instructions) for \(cost.arguments) argument\(cost.arguments == 1 ? "" : "s"), "
            + "\(cycles(cost.cyclesPerArgument)) per argument (an empty record \(cycles(cost.recordCycles)), then \(cycles(cost.marginalCyclesPerArgument)) per value)"
    }
}
