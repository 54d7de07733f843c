import A64
import TestSupport

/// A batch of random sequences as one static Linux AArch64 program for `qemu-aarch64`, and the
/// fixed layout our machine reproduces.
///
/// The text is a header slot (`_start` and the scratch-fill routine) followed by one 1 KiB slot per
/// case, so every sequence's address is known before assembling and PC-relative instructions can be
/// generated for it. A case's slot holds:
///
/// 1. a prologue of exactly `prologueInstructionCount` instructions: fill the scratch buffer from the
///    case's seed, `msr nzcv`, set SP, then load X0–X30 from the slot's literal pool;
/// 2. the sequence (`case_N_sequence`);
/// 3. an epilogue that stores X0–X30, SP and NZCV into the record just below the scratch buffer and
///    writes record and buffer to standard output (`write(1, …)`), then falls through to the next
///    case, or exits after the last;
/// 4. the literal pool.
///
/// Each case therefore contributes `recordSize` bytes to the output, in case order.
struct DifferentialProgram {
    static let textAddress: UInt64 = 0x1000_0000
    static let slotSize: UInt64 = 1024
    static let registerRecordSize = 272
    static let scratchSize = 2048
    static let recordSize = registerRecordSize + scratchSize
    /// The scratch buffer straddles a page boundary (0x2000_1000), so accesses that cross pages occur.
    static let scratchAddress: UInt64 = 0x2000_0C00
    /// The register record; the scratch buffer follows it directly so one `write` covers both.
    static let recordAddress = scratchAddress - UInt64(registerRecordSize)
    /// Instructions before each sequence: fill (5), NZCV (2), SP (2), X0–X30 (31).
    static let prologueInstructionCount = 40
    /// Offsets of SP and NZCV in the register record (X0–X30 come first).
    static let stackPointerOffset = 248
    static let nzcvOffset = 256

    let sequences: [RandomSequence]
    /// The run-wide index of the first case, named in the assembly for readers of a kept program.
    let firstCaseIndex: Int

    static func slotAddress(ofCase position: Int) -> UInt64 {
        textAddress + slotSize * UInt64(position + 1)
    }

    static func sequenceAddress(ofCase position: Int) -> UInt64 {
        slotAddress(ofCase: position) + UInt64(prologueInstructionCount * 4)
    }

    /// The code every case of a `caseCount`-case program can read with a literal load: the header
    /// and all case slots but the last (which is not padded to its full size).
    static func literalPool(caseCount: Int) -> Range<UInt64> {
        textAddress..<slotAddress(ofCase: caseCount - 1)
    }

    static func environment(caseCount: Int) -> SequenceEnvironment {
        SequenceEnvironment(scratch: scratchAddress..<scratchAddress + UInt64(scratchSize),
                            literalPool: literalPool(caseCount: caseCount))
    }

    /// Section addresses for the linker.
    static let sectionAddresses = [".record": recordAddress]

    /// The program's assembly text.
    var assembly: String {
        var text = """
                .text
                .globl  _start
                .p2align 10
            _start:
                b       case_0

            """
        text += ScratchFill.assemblyRoutine(named: "fill_scratch")
        for (position, sequence) in sequences.enumerated() {
            precondition(sequence.address == Self.sequenceAddress(ofCase: position), "sequence \(position) generated for the wrong address")
            text += caseAssembly(position: position, sequence: sequence, isLast: position == sequences.count - 1)
        }
        text += """

                .section .record, "aw", @nobits
                .p2align 4
            record:
                .space  \(Self.registerRecordSize)
            scratch:
                .space  \(Self.scratchSize)

            """
        return text
    }

    private func caseAssembly(position: Int, sequence: RandomSequence, isLast: Bool) -> String {
        let name = "case_\(position)"
        var lines: [String] = [
            "",
            "// case \(firstCaseIndex + position) of the run (\(name) of this program)",
            "    .p2align 10",
            "\(name):",
            "    ldr     x0, \(name)_seed",
            "    adrp    x1, scratch",
            "    add     x1, x1, :lo12:scratch",
            "    mov     x2, #\(Self.scratchSize / 8)",
            "    bl      fill_scratch",
            "    ldr     x0, \(name)_nzcv",
            "    msr     nzcv, x0",
            "    ldr     x0, \(name)_sp",
            "    mov     sp, x0",
        ]
        for register in 0...30 { lines.append("    ldr     x\(register), \(name)_x\(register)") }
        lines.append("\(name)_sequence:")
        for (word, encoding) in zip(sequence.words, sequence.encodings) {
            lines.append("    .inst   0x\(hex32(word))    // \(encoding)")
        }
        lines += [
            "\(name)_epilogue:",
            "    msr     tpidr_el0, x0",
            "    adrp    x0, record",
            "    add     x0, x0, :lo12:record",
        ]
        for pair in stride(from: 1, through: 29, by: 2) {
            lines.append("    stp     x\(pair), x\(pair + 1), [x0, #\(pair * 8)]")
        }
        lines += [
            "    mrs     x1, tpidr_el0",
            "    str     x1, [x0]",
            "    mov     x1, sp",
            "    str     x1, [x0, #\(Self.stackPointerOffset)]",
            "    mrs     x1, nzcv",
            "    str     x1, [x0, #\(Self.nzcvOffset)]",
            "    mov     x0, #1",
            "    adrp    x1, record",
            "    add     x1, x1, :lo12:record",
            "    mov     x2, #\(Self.recordSize)",
            "    mov     x8, #64",
            "    svc     #0",
        ]
        if isLast {
            lines += ["    mov     x0, #0", "    mov     x8, #94", "    svc     #0"]
        } else {
            lines.append("    b       case_\(position + 1)")
        }
        lines.append("    .p2align 3")
        lines.append("\(name)_seed: .quad 0x\(String(sequence.memorySeed, radix: 16))")
        lines.append("\(name)_nzcv: .quad 0x\(String(sequence.nzcv, radix: 16))")
        lines.append("\(name)_sp: .quad 0x\(String(sequence.stackPointer, radix: 16))")
        for (register, value) in sequence.registers.enumerated() {
            lines.append("\(name)_x\(register): .quad 0x\(String(value, radix: 16))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

func hex64(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
