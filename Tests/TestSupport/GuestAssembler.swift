import Emulator
import Foundation

/// Assembles and links AArch64 assembly into ELF executables with the toolchain's clang and ld.lld.
public struct GuestAssembler: Sendable {
    /// What the program runs on, which decides the target triple.
    public enum Target: Sendable {
        /// A static Linux executable for `qemu-aarch64` (system calls through `svc #0`).
        case linuxUser
        /// A freestanding image for our machine and `qemu-system-aarch64 -M virt`.
        case bareMetal

        var triple: String {
            switch self {
            case .linuxUser: return "aarch64-linux-gnu"
            case .bareMetal: return "aarch64-none-elf"
            }
        }
    }

    /// The load address of `.text` in bare-metal images: 512 KiB into QEMU virt's RAM, like the guest kernel.
    public static let bareMetalTextAddress: UInt64 = 0x4008_0000
    /// The start of QEMU virt's RAM.
    public static let ramBase: UInt64 = 0x4000_0000

    public let toolchain: Toolchain
    /// Where sources and images are written.
    public let directory: ScratchDirectory

    public init(toolchain: Toolchain, directory: ScratchDirectory) {
        self.toolchain = toolchain
        self.directory = directory
    }

    /// An assembler for the shared toolchain writing into a new scratch directory, or nil without a toolchain.
    public static func makeDefault(purpose: String) throws -> GuestAssembler? {
        guard let toolchain = Toolchain.shared else { return nil }
        return GuestAssembler(toolchain: toolchain, directory: try ScratchDirectory(purpose: purpose))
    }

    /// Assembles `assembly` (GNU syntax) into `<name>.elf` with `.text` at `textAddress` and the
    /// named sections at the given addresses, then parses the result.
    public func build(
        assembly: String, named name: String, target: Target,
        textAddress: UInt64 = GuestAssembler.bareMetalTextAddress, sectionAddresses: [String: UInt64] = [:],
        timeout: TimeInterval = 120
    ) throws -> AssembledProgram {
        let source = directory.url.appending(path: name + ".S")
        try Data(assembly.utf8).write(to: source)
        return try build(sourceFile: source, named: name, target: target, textAddress: textAddress,
                         sectionAddresses: sectionAddresses, timeout: timeout)
    }

    /// Assembles the file at `sourceFile` into `<name>.elf` in the scratch directory.
    public func build(
        sourceFile: URL, named name: String, target: Target,
        textAddress: UInt64 = GuestAssembler.bareMetalTextAddress, sectionAddresses: [String: UInt64] = [:],
        timeout: TimeInterval = 120
    ) throws -> AssembledProgram {
        let output = directory.url.appending(path: name + ".elf")
        var arguments = [
            "--target=" + target.triple, "-march=armv8-a", "-nostdlib", "-static", "-fuse-ld=lld",
            "--ld-path=" + toolchain.lld.path,
            "-Wl,--no-pie", "-Wl,--build-id=none", "-Wl,-Ttext=0x" + String(textAddress, radix: 16),
        ]
        if target == .bareMetal {
            // Keep the ELF headers' segment in RAM too, not at ld.lld's default base (QEMU virt's flash).
            arguments.append("-Wl,--image-base=0x" + String(Self.ramBase, radix: 16))
        }
        for (section, address) in sectionAddresses.sorted(by: { $0.value < $1.value }) {
            arguments.append("-Wl,--section-start=\(section)=0x\(String(address, radix: 16))")
        }
        arguments += ["-o", output.path, sourceFile.path]
        let result = try Subprocess.run(toolchain.clang, arguments, timeout: timeout)
        guard result.succeeded else {
            throw AssemblyError(description: "\(result.summary) building \(sourceFile.path):\n\(result.standardError)")
        }
        let image: ELFImage
        do {
            image = try ELFImage(contentsOf: output)
        } catch {
            throw AssemblyError(description: "the linked image does not load: \(error)")
        }
        return AssembledProgram(url: output, image: image)
    }
}

/// An assembled, linked and parsed program.
public struct AssembledProgram: Sendable {
    public let url: URL
    public let image: ELFImage

    /// The address of symbol `name` (labels included).
    public func address(of name: String) -> UInt64? {
        image.symbols.first { $0.name == name }?.address
    }

    /// A new machine with QEMU virt's RAM and this image loaded, PC at its entry.
    public func makeMachine() -> Machine {
        Machine(image: image)
    }
}

/// Assembling or linking failed; the message carries clang's diagnostics.
public struct AssemblyError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
