// swift-tools-version: 6.1
import PackageDescription

/// Frees the frame pointer register for the hot loops, whose state does not fit the host's
/// registers (measured: cortex-a72 suite mix 83.8M -> 84.9M and mix loop 108.2M -> 110.0M
/// instructions/s). SwiftPM appends `-fno-omit-frame-pointer`, which only a cc1 flag overrides.
/// Debuggers still unwind through these modules by their DWARF call frame information.
let withoutFramePointer = ["-Xcc", "-Xclang", "-Xcc", "-mframe-pointer=none"]

/// The emulator's hot loop must be optimised even in debug builds, or `swift run bench` is unusable.
let optimisedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2", "-enforce-exclusivity=unchecked"] + withoutFramePointer,
                 .when(configuration: .debug)),
    .unsafeFlags(["-enforce-exclusivity=unchecked"] + withoutFramePointer, .when(configuration: .release)),
]

let package = Package(
    name: "ProbeBench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bench", targets: ["bench"]),
        .library(name: "A64", targets: ["A64"]),
        .library(name: "Emulator", targets: ["Emulator"]),
        // A throughput stream behind a C interface, for running two builds in one process:
        // `Benchmarks/ab-compare.sh`.
        .library(name: "ThroughputProbe", type: .dynamic, targets: ["ThroughputProbe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "A64", swiftSettings: optimisedInDebug),
        .target(name: "Emulator", dependencies: ["A64"], swiftSettings: optimisedInDebug),
        .target(name: "DebugInfo", swiftSettings: optimisedInDebug),
        .target(
            name: "GuestKernel",
            dependencies: ["Emulator"],
            exclude: ["Guest"],
            swiftSettings: optimisedInDebug,
            plugins: ["GuestBuildPlugin"]),
        .target(name: "Harness", dependencies: ["A64", "Emulator", "GuestKernel", "DebugInfo"], swiftSettings: optimisedInDebug),
        .target(name: "Reports", dependencies: ["GuestKernel", "Harness"], swiftSettings: optimisedInDebug),
        .executableTarget(
            name: "bench",
            dependencies: [
                "A64", "Emulator", "GuestKernel", "Harness", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .plugin(name: "GuestBuildPlugin", capability: .buildTool()),
        // The guest instruction streams the host-throughput figures are measured on.
        .target(name: "ThroughputStreams", dependencies: ["A64", "Emulator", "GuestKernel"],
                path: "Benchmarks/ThroughputStreams"),
        // Host throughput of the emulator (guest instructions per second): `swift package benchmark`.
        .executableTarget(
            name: "EmulatorThroughput",
            dependencies: [
                "A64", "Emulator", "GuestKernel", "ThroughputStreams",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EmulatorThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Host instructions per guest instruction, counted under valgrind: `Benchmarks/host-instructions.sh`.
        // Not directly in Benchmarks/: the benchmark plugin runs every executable target there as a benchmark.
        .executableTarget(name: "HostInstructions", dependencies: ["Emulator", "ThroughputStreams"],
                          path: "Benchmarks/Tools/HostInstructions"),
        .target(name: "ThroughputProbe", dependencies: ["Emulator", "ThroughputStreams"],
                path: "Benchmarks/Tools/ThroughputProbe"),
        .testTarget(name: "A64Tests", dependencies: ["A64", "TestSupport"], exclude: ["Fixtures"], swiftSettings: optimisedInDebug),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Reports", "TestSupport"]),
        .testTarget(name: "GuestKernelTests", dependencies: ["GuestKernel", "Emulator", "DebugInfo", "TestSupport"]),
        .testTarget(name: "ProbeTests", dependencies: ["Harness", "GuestKernel", "DebugInfo", "Emulator"]),
        .testTarget(
            name: "DebugInfoTests",
            dependencies: ["DebugInfo"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "TimingTests", dependencies: ["A64", "Emulator", "TestSupport"], swiftSettings: optimisedInDebug),
        .target(name: "TestSupport", dependencies: ["A64", "Emulator"], path: "Tests/TestSupport",
                swiftSettings: optimisedInDebug),
        .testTarget(
            name: "EmulatorTests",
            dependencies: ["A64", "Emulator", "TestSupport"],
            exclude: ["README.md"],
            resources: [.copy("Fixtures")],
            swiftSettings: optimisedInDebug),
    ]
)
