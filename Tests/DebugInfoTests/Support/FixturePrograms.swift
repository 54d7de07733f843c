import DebugInfo
import Foundation

/// What the tests need from this machine, checked once; tests that need a missing piece are
/// skipped with a message rather than failed.
enum TestEnvironment {
    static let libdwAvailable: Bool = (try? LibDW.shared()) != nil
    static let toolchainAvailable: Bool = (try? AArch64Toolchain.located.get()) != nil
    static let qemu: URL? = ["/usr/bin/qemu-aarch64", "/usr/local/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"]
        .map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    static let qemuAvailable = qemu != nil

    static let canReadFixtures = libdwAvailable && toolchainAvailable
    static let canUnwindQemuSnapshot = canReadFixtures && qemuAvailable
}

/// The C fixture programs, each built once per test process into a temporary folder.
enum FixturePrograms {
    struct BuildFailure: Error, CustomStringConvertible {
        let description: String
    }

    private static let buildDirectory: URL = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("probebench-debuginfo-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Built once per test process, so removed when it exits.
        atexit { try? FileManager.default.removeItem(at: FixturePrograms.buildDirectory) }
        return directory
    }()

    /// `types.c` for bare-metal AArch64 with clang's default DWARF 5.
    static let typesDWARF5 = build("types", output: "types-dwarf5.elf", flags: [
        "--target=aarch64-none-elf", "-g", "-gdwarf-5", "-Wl,-e,entry",
    ])

    /// `types.c` with DWARF 3: bitfields described by the older `DW_AT_bit_offset`, globals by `DW_OP_addr`.
    static let typesDWARF3 = build("types", output: "types-dwarf3.elf", flags: [
        "--target=aarch64-none-elf", "-g", "-gdwarf-3", "-Wl,-e,entry",
    ])

    /// `types.c` without `-g`: an AArch64 ELF with no DWARF.
    static let typesWithoutDebugInfo = build("types", output: "types-nodebug.elf", flags: [
        "--target=aarch64-none-elf", "-g0", "-Wl,-e,entry",
    ])

    /// `stack.c`: a static freestanding Linux AArch64 program that prints a register and stack snapshot.
    static let stackSnapshotProgram = build("stack", output: "stack.elf", flags: [
        "--target=aarch64-linux-gnu", "-static", "-g", "-gdwarf-5",
    ])

    private static func build(_ name: String, output: String, flags: [String]) -> Result<URL, BuildFailure> {
        do {
            let toolchain = try AArch64Toolchain.located.get()
            guard let source = Bundle.module.url(forResource: name, withExtension: "c", subdirectory: "Fixtures") else {
                return .failure(BuildFailure(description: "fixture \(name).c is missing from the test bundle"))
            }
            let elf = buildDirectory.appendingPathComponent(output)
            try toolchain.build(source: source, output: elf, flags: flags)
            return .success(elf)
        } catch {
            return .failure(BuildFailure(description: "building \(name).c failed: \(error)"))
        }
    }
}
