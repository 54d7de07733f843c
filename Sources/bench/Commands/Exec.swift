import ArgumentParser
import Emulator
import Foundation

/// `bench exec ELF`: runs any freestanding AArch64 ELF on the emulator.
struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a freestanding AArch64 ELF: semihosting output to stdout, the guest's exit status as ours.",
        discussion: """
        The image runs at EL1 with the MMU off on QEMU virt's memory map (RAM 0x40000000–0x7fffffff, \
        GICv2 at 0x08000000). Semihosting (HLT #0xF000) SYS_WRITEC, SYS_WRITE0, SYS_EXIT and \
        SYS_EXIT_EXTENDED are served. A guest status outside 0–255, which an exit status cannot carry, \
        exits with 1 and a note giving the real one on standard error. Counters from --stats go to standard \
        error, one `name: value` line each.
        """)

    @Argument(help: "The AArch64 ELF executable to run.")
    var image: String

    @Option(name: .long, help: "Stop with an error after this many instructions (a runaway guest).")
    var maxInstructions: UInt64 = 10_000_000_000

    @Flag(name: .long, help: "Print each instruction (address, symbol+offset, disassembly, registers written) on standard error.")
    var trace = false

    @Flag(name: .long, help: "Print counters on standard error, one `name: value` line each.")
    var stats = false

    @Option(name: .long, help: "Time with this CPU profile's cycle model (cortex-a53, cortex-a72, neoverse-n1); default: one cycle per instruction.")
    var cpu: String?

    @Flag(name: .long, help: ArgumentHelp(
        "Stop with an error when the guest runs code it wrote in an executable segment without cleaning, invalidating and synchronizing it.",
        discussion: "After a store to code the architecture requires DC CVAU, DSB, IC IVAU, DSB and an ISB (or exception entry or return) before the line is fetched again; without the flag a write is seen at the next fetch."))
    var requireCodeMaintenance = false

    /// Exit status for a guest that did not exit through semihosting.
    static let abnormalStop: Int32 = 70
    /// Exit status for a guest status outside 0...255, which the shell would truncate (256 to 0, a success).
    static let statusOutOfRange: Int32 = 1

    func run() throws {
        let elf: ELFImage
        do {
            elf = try ELFImage(contentsOf: URL(fileURLWithPath: image))
        } catch {
            printError("bench exec: \(error)")
            throw ExitCode(Self.abnormalStop)
        }
        let machine = Machine(image: elf)
        if let cpu {
            guard let profile = CPUProfile.named(cpu) else {
                printError("bench exec: unknown CPU profile '\(cpu)' (known: \(CPUProfile.all.map(\.name).joined(separator: ", ")))")
                throw ExitCode(Self.abnormalStop)
            }
            machine.timing = .profile(profile)
        }
        if requireCodeMaintenance {
            machine.requireCodeMaintenance(in: elf.segments.filter(\.isExecutable).map(\.range))
        }
        let symbols = SymbolTable(image: elf)
        let console = ConsoleBuffer()
        machine.consoleOutput = { console.append($0) }

        let reason = trace ? runTraced(machine, symbols: symbols, console: console) : machine.run(instructionLimit: maxInstructions)
        console.flush()
        if stats {
            let timing = machine.timingCounters
            var lines = ["instructions: \(machine.counters.instructions)", "exceptions: \(machine.counters.exceptions)",
                         "interrupts: \(machine.counters.interrupts)", "cycles: \(timing.cycles)"]
            if cpu != nil {
                lines += ["branch_mispredicts: \(timing.branchMispredicts)", "return_mispredicts: \(timing.returnMispredicts)",
                          "l1i_misses: \(timing.instructionCacheMisses)", "l1d_misses: \(timing.dataCacheMisses)"]
            }
            printError(lines.joined(separator: "\n"))
        }
        switch reason {
        case .exited(let status):
            // Code it wrote must have been made fetchable by the end: an early fetch of a
            // concurrently modifiable instruction may run, so a missing step shows here.
            if let report = machine.unsynchronizedCodeReport(symbolize: symbols.describe) {
                printError("bench exec: \(image): the guest exited with \(report)")
                throw ExitCode(Self.abnormalStop)
            }
            guard (0...255).contains(status) else {
                printError("bench exec: \(image): the guest exited with status \(status), outside the 0–255 an exit status "
                           + "can carry; exiting with \(Self.statusOutOfRange)")
                throw ExitCode(Self.statusOutOfRange)
            }
            if status != 0 { throw ExitCode(Int32(status)) }
        case .instructionLimit:
            printError("bench exec: \(image): the guest ran \(maxInstructions) instructions without exiting (now at "
                       + "\(symbols.describe(machine.pc) ?? "0x" + String(machine.pc, radix: 16))); raise --max-instructions if that is expected")
            throw ExitCode(Self.abnormalStop)
        case .fault(let fault):
            printError("bench exec: \(image): \(fault.report(symbolize: symbols.describe))")
            throw ExitCode(Self.abnormalStop)
        case .halted(let immediate, let pc):
            printError("bench exec: \(image): the guest executed HLT #\(immediate) at \(symbols.describe(pc) ?? "0x" + String(pc, radix: 16)) (a halt for an external debugger)")
            throw ExitCode(Self.abnormalStop)
        case .hook:
            throw ExitCode(Self.abnormalStop)
        }
    }

    private func runTraced(_ machine: Machine, symbols: SymbolTable, console: ConsoleBuffer) -> StopReason {
        let start = machine.counters.instructions
        while machine.counters.instructions - start < maxInstructions {
            let step = machine.step(cycles: { machine.timingCounters.cycles })
            console.flush()
            printError(step.formatted(symbolize: symbols.describe))
            if let stop = step.stop { return stop }
        }
        return .instructionLimit
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
