import ArgumentParser
import Emulator
import Foundation
import GuestKernel
import Harness

/// `bench list`: what can be measured.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List suites, mechanisms, handler kinds, workloads and CPU profiles.",
        discussion: """
        Each suite's counts are what a run of it reports in results.json: \
        scenarios (a none IRQ sweep adds none on its workload, published from its baseline to carry the walks), \
        curves (an attached-functions curve gives two: attach cycles and entry overhead) and fetch costs, \
        each once however often the suite names it; IRQ sweeps publish their walks in their scenarios. \
        With --cpus, print every parameter of each CPU profile with its source.
        """)

    @Flag(help: "Print each CPU profile's parameters and where each number comes from.")
    var cpus = false

    @Option(help: "Only this CPU profile (with --cpus).")
    var cpu: String?

    @Option(help: "The folder holding suite files.")
    var suites: String = Suite.defaultFolder

    func validate() throws {
        if cpu != nil && !cpus { throw ValidationError("--cpu selects a profile for --cpus; give --cpus too") }
    }

    func run() throws {
        if cpus {
            try printProfiles()
            return
        }
        print("Suites (\(suites)):")
        let folder = URL(fileURLWithPath: suites)
        for name in Suite.availableSuites(in: folder) {
            let description = (try? Suite.load(named: name, folder: folder, knownCPUs: HarnessProfiles.names,
                                               defaultCPU: HarnessProfiles.defaultName))
                .map { "\($0.description) (a run reports \($0.reportedCounts))" }
                ?? "cannot be loaded: run `bench run --suite \(name)` for the error"
            print("  \(pad(name, 10)) \(description)")
        }
        print("\nMechanisms:")
        for mechanism in Mechanism.allCases {
            let note = mechanism == .ftraceArgsNoFrameRecord ? " (test only)" : ""
            print("  \(pad(mechanism.rawValue, 18)) \(mechanism.summary)\(note)")
        }
        print("\nHandler kinds: \(HandlerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        print("\nWorkloads:")
        for workload in Workload.allCases {
            print("  \(pad(workload.rawValue, 10)) \(workload.summary)")
        }
        print("\nCPU profiles (default \(CPUProfile.default.name)):")
        for profile in CPUProfile.all {
            print("  \(pad(profile.name, 12)) \(profile.summary)")
        }
    }

    private func printProfiles() throws {
        var profiles = CPUProfile.all
        if let cpu {
            guard let profile = CPUProfile.named(cpu) else {
                throw ValidationError("unknown CPU profile '\(cpu)' (known: \(CPUProfile.all.map(\.name).joined(separator: ", ")))")
            }
            profiles = [profile]
        }
        for profile in profiles {
            print("## \(profile.name): \(profile.summary)\n")
            print("| parameter | value | source |")
            print("| --- | ---: | --- |")
            for row in profile.parameterRows() {
                print("| \(row.parameter) | \(row.value) | \(row.source) |")
            }
            print("")
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

extension Suite {
    /// What a run of the suite reports, counted from the runner's own expansion
    /// (`Suite.reportedScenarios`, `Suite.reportedCurveIDs`): `bench list` and `bench run` print it.
    var reportedCounts: String {
        "\(counted(reportedScenarios.count, "scenario")), \(counted(reportedCurveIDs.count, "curve")) and "
            + "\(counted(fetchCosts.count, "fetch cost")); the walks of its \(counted(sweeps.count, "IRQ sweep")) are in those scenarios"
    }
}

/// `number` and `noun`, plural unless the number is 1.
func counted(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
