import ArgumentParser
import Emulator
import Foundation

/// `bench exec ELF`: runs any freestanding AArch64 ELF on the emulator.
struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a freestanding AArch64 ELF: semihosting output to stdout, the guest's exit status as ours.")

    @Argument(help: "The AArch64 ELF executable to run.")
    var image: String

    @Option(name: .long, help: "Stop with an error after this many instructions.")
    var maxInstructions: UInt64 = 10_000_000_000

    @Flag(name: .long, help: "Print counters (one `name: value` line each) on standard error.")
    var stats = false

    func run() throws {
        let elf = try ELFImage(contentsOf: URL(fileURLWithPath: image))
        let machine = Machine(image: elf)
        let console = ConsoleBuffer()
        machine.consoleOutput = { console.append($0) }
        let reason = machine.run(instructionLimit: maxInstructions)
        console.flush()
        if stats {
            let counters = machine.counters
            FileHandle.standardError.write(Data("instructions: \(counters.instructions)\nexceptions: \(counters.exceptions)\ncycles: \(machine.functionalModel.cycles)\n".utf8))
        }
        switch reason {
        case .exited(let status):
            throw ExitCode(status)
        default:
            FileHandle.standardError.write(Data("bench exec: \(reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Collects guest console bytes and writes them to standard output in chunks.
final class ConsoleBuffer {
    private var bytes: [UInt8] = []

    func append(_ byte: UInt8) {
        bytes.append(byte)
        if byte == 0x0A || bytes.count >= 4096 { flush() }
    }

    func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
