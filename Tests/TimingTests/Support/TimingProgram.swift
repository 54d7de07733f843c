import TestSupport

/// The timing tests' programs: AArch64 assembly (defining `_start`) assembled and linked by the
/// shared `GuestAssembler` with the toolchain TestSupport's `Toolchain` finds, into a freestanding
/// ELF with `.text` at the guest's text address. The files go to a `probebench-timing-…` scratch
/// folder that is removed once the image is parsed.
enum TimingProgram {
    /// Whether programs can be built here; the tests that need one are enabled on this.
    static let isAvailable = Toolchain.shared != nil

    /// Assembles and links `source`, then parses the image.
    static func build(_ source: String) throws -> AssembledProgram {
        guard let assembler = try GuestAssembler.makeDefault(purpose: "timing") else {
            throw ToolFailure(description: Toolchain.missingReason)
        }
        return try assembler.build(assembly: source, named: "program", target: .bareMetal)
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}
