@testable import Harness

/// Small, hand-checkable `RunResults` values for comparison and storage tests.
enum ResultsFixtures {
    static func counters(cycles: Double) -> WindowCounters {
        WindowCounters(cycles: cycles, instructions: cycles / 2, exceptions: 0, branchMispredicts: 0,
                       returnMispredicts: 0, cacheMisses: 0)
    }

    static func scenario(_ mechanism: String, entryCycles: Double, baselineCycles: Double = 10,
                         cpu: String = "cortex-a72") -> ScenarioResult {
        let window = Comparison(measured: counters(cycles: entryCycles), baseline: counters(cycles: baselineCycles))
        let metrics = ScenarioMetrics(
            entry: WindowComparison(steady: window, firstHit: window),
            exit: WindowComparison(steady: window, firstHit: window),
            stackBytes: Comparison(measured: 160, baseline: 16), stackAtHandlerEntry: 144,
            attachCycles: 400, detachCycles: 380, measuredCalls: 16)
        return ScenarioResult(mechanism: mechanism, handler: "count", workload: "leaf", cpu: cpu,
                              metrics: metrics, walks: [WalkVerification(point: .entryHandler, walker: .guest, total: 4, correct: 4)])
    }

    static func run(_ identifier: String, scenarios: [ScenarioResult], throughput: [Double] = [1e8, 1.02e8, 0.99e8],
                    host: String = "ci-host", processor: String? = "AMD EPYC (AuthenticAMD family 25 model 1 stepping 1)",
                    cpus: [String] = ["cortex-a72"]) -> RunResults {
        RunResults(
            run: RunInfo(identifier: identifier, startedAt: "2026-11-21T00:00:00Z", commit: "abc1234", suite: "quick",
                         cpuProfiles: cpus, jobs: 2, wallSeconds: 3),
            environment: EnvironmentInfo(hostName: host, hostOS: "Linux", hostProcessorCount: 2, swiftVersion: "6.3",
                                         guestImageSHA256: "00", libdw: "available", hostProcessor: processor),
            scenarios: scenarios, scaling: [], host: HostPerformance(instructionsPerSecond: ["functional": throughput]))
    }
}
