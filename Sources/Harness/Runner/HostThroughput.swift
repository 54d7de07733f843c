import Foundation
import GuestKernel

/// Measures the emulator's host throughput (guest instructions per second) on the guest's own
/// driver loop, once per timing mode, several samples each: the host figures `bench compare`
/// judges statistically.
public struct HostThroughput {
    public let environment: MeasurementEnvironment
    public var samples: Int = 3
    /// Guest instructions per sample.
    public var instructionsPerSample: UInt64 = 2_000_000

    public init(environment: MeasurementEnvironment) {
        self.environment = environment
    }

    /// Instructions per second per mode ("functional" and each profile in `profiles`).
    public func measure(profiles: [String]) throws -> [String: [Double]] {
        var figures: [String: [Double]] = [:]
        for mode in ["functional"] + profiles {
            let kernel = try environment.makeKernel()
            if mode == "functional" {
                MachineTiming.fastForward(kernel.machine)
            } else {
                MachineTiming.time(kernel.machine, profile: mode)
            }
            let workload = try kernel.address(of: Workload.nonleaf.symbol)
            let run = try kernel.address(of: GuestABI.Symbol.run)
            var values: [Double] = []
            for _ in 0..<samples {
                let start = kernel.machine.counters.instructions
                let clock = ContinuousClock.now
                while kernel.machine.counters.instructions - start < instructionsPerSample {
                    try kernel.call(run, workload, 1_000, 3)
                }
                let elapsed = ContinuousClock.now - clock
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                values.append(Double(kernel.machine.counters.instructions - start) / max(seconds, 1e-9))
            }
            figures[mode] = values
        }
        return figures
    }
}
