import Emulator
import TestSupport

/// The architectural state a differential case compares: X0–X30, SP, NZCV and the scratch buffer.
struct DifferentialState: Equatable {
    var registers: [UInt64]
    var stackPointer: UInt64
    var nzcv: UInt64
    var scratch: [UInt8]

    /// The state QEMU recorded: one `DifferentialProgram.recordSize`-byte record of the program's output.
    init(record: ArraySlice<UInt8>) {
        precondition(record.count == DifferentialProgram.recordSize)
        func word(at offset: Int) -> UInt64 {
            let start = record.startIndex + offset
            return (0..<8).reduce(0) { $0 | UInt64(record[start + $1]) << UInt64($1 * 8) }
        }
        registers = (0...30).map { word(at: $0 * 8) }
        stackPointer = word(at: DifferentialProgram.stackPointerOffset)
        nzcv = word(at: DifferentialProgram.nzcvOffset)
        scratch = Array(record.suffix(DifferentialProgram.scratchSize))
    }

    /// The state our machine holds.
    init(machine: Machine) {
        registers = machine.generalRegisters
        stackPointer = machine.sp
        nzcv = UInt64(machine.pstate.nzcv)
        scratch = machine.memory.readBytes(at: DifferentialProgram.scratchAddress, count: DifferentialProgram.scratchSize)
            ?? []
    }

    /// The state a sequence starts from.
    init(initial sequence: RandomSequence) {
        registers = sequence.registers
        stackPointer = sequence.stackPointer
        nzcv = UInt64(sequence.nzcv)
        scratch = ScratchFill.bytes(seed: sequence.memorySeed, count: DifferentialProgram.scratchSize)
    }

    /// A side-by-side table of initial, our and QEMU's registers, differing rows marked, then the memory difference.
    static func comparisonTable(initial: DifferentialState, ours: DifferentialState, reference: DifferentialState) -> String {
        var lines = ["        initial            ours               qemu"]
        func row(_ name: String, _ a: UInt64, _ b: UInt64, _ c: UInt64) {
            let padded = name.padding(toLength: 5, withPad: " ", startingAt: 0)
            lines.append("  \(padded) \(hex64(a))   \(hex64(b))   \(hex64(c))\(b == c ? "" : "   <-- differs")")
        }
        for register in 0...30 {
            row("x\(register)", initial.registers[register], ours.registers[register], reference.registers[register])
        }
        row("sp", initial.stackPointer, ours.stackPointer, reference.stackPointer)
        row("nzcv", initial.nzcv, ours.nzcv, reference.nzcv)
        let differing = zip(ours.scratch, reference.scratch).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        if differing.isEmpty && ours.scratch.count == reference.scratch.count {
            lines.append("  scratch memory: identical")
        } else if let first = differing.first {
            let address = DifferentialProgram.scratchAddress + UInt64(first)
            lines.append("  scratch memory: \(differing.count) bytes differ, first at 0x\(String(address, radix: 16)) (scratch+0x\(String(first, radix: 16)))")
            let start = first & ~7
            let window = start..<min(start + 16, ours.scratch.count)
            lines.append("    initial: " + window.map { hexByte(initial.scratch[$0]) }.joined(separator: " "))
            lines.append("    ours:    " + window.map { hexByte(ours.scratch[$0]) }.joined(separator: " "))
            lines.append("    qemu:    " + window.map { hexByte(reference.scratch[$0]) }.joined(separator: " "))
        } else {
            lines.append("  scratch memory: ours has \(ours.scratch.count) bytes, qemu \(reference.scratch.count)")
        }
        return lines.joined(separator: "\n")
    }
}

private func hexByte(_ byte: UInt8) -> String {
    byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
}
