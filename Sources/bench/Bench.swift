import ArgumentParser

/// The ProbeBench command line.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure arm64 kernel-tracing paths on a cycle-counting AArch64 emulator.",
        subcommands: [Run.self, Compare.self, Report.self, List.self, Trace.self, Probe.self, Exec.self],
        defaultSubcommand: Run.self)

    static func main() {
        SignalDisposition.restoreDefaults()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
