import ArgumentParser

/// The ProbeBench command line.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure arm64 kernel-tracing paths on a cycle-counting AArch64 emulator.",
        subcommands: [Run.self, Compare.self, List.self, Exec.self, Probe.self],
        defaultSubcommand: Run.self)
}
