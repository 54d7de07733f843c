import A64

/// Where a random sequence may touch memory.
public struct SequenceEnvironment: Sendable {
    /// The scratch buffer every load and store must stay inside.
    public var scratch: Range<UInt64>
    /// Memory that holds the same bytes on both sides for the whole run (the program's code), which
    /// PC-relative literal loads may read.
    public var literalPool: Range<UInt64>

    public init(scratch: Range<UInt64>, literalPool: Range<UInt64>) {
        self.scratch = scratch
        self.literalPool = literalPool
    }
}

/// A random straight-line sequence with its initial state.
public struct RandomSequence: Sendable {
    /// Address of the first instruction (PC-relative forms depend on it).
    public var address: UInt64
    public var words: [UInt32]
    /// The table row each word came from.
    public var encodings: [Encoding]
    /// Initial X0–X30.
    public var registers: [UInt64]
    public var stackPointer: UInt64
    /// Initial NZCV in bits 31:28.
    public var nzcv: UInt32
    /// Seed of the scratch buffer's initial contents (`ScratchFill`).
    public var memorySeed: UInt64
}

/// Generates random straight-line integer sequences from the encoding table.
///
/// Each instruction comes from a row of the data-processing (immediate and register) and load/store
/// groups, exclusives excepted: the row's fixed bits, random values for its fields, and only words
/// the decoder accepts and the constraints below allow. The constraints make every sequence run the
/// same on any correct implementation, with no fault:
///
/// - Memory operands use x28 or SP as the base; both point into the scratch buffer. Register-offset
///   forms index with x27 (0…255), x26 (−256…−1) or XZR. The generator tracks these values through
///   writeback and `ADD`/`SUB` (immediate) of a register to itself, so it keeps each access inside
///   the buffer exactly. Any other write to x26–x28 (a load, a data-processing result) makes the
///   generator forget the register, and later accesses stop using it. SP is only ever changed in the
///   tracked ways. Literal loads must read the program's code. Prefetches may name any address: they
///   never fault.
/// - Architecturally UNPREDICTABLE forms are excluded: a load pair with Rt == Rt2, writeback with
///   Rt == Rn. Load-acquire and store-release addresses are aligned (unaligned ones fault on Armv8.0).
///
/// With `forwardBranches`, B.cond, B, BL, CBZ, CBNZ, TBZ and TBNZ join in, each branching forward
/// to a later instruction of the sequence or to its end, so every path ends at the end. Which path
/// runs depends on the data, so inside a branch's shadow (between it and its target) tracked
/// registers may only be forgotten, not updated, and SP may not change.
public struct RandomSequenceGenerator {
    public static let baseRegister: UInt32 = 28
    /// Holds 0…255 for register-offset forms.
    public static let ascendingIndexRegister: UInt32 = 27
    /// Holds −256…−1 for register-offset forms.
    public static let descendingIndexRegister: UInt32 = 26
    /// The registers the generator tracks for addressing (with SP).
    public static let reservedRegisters: Set<UInt32> = [26, 27, 28]
    public static let stackPointer: UInt32 = 31

    public static let groups: Set<EncodingGroup> = [.dataProcessingImmediate, .dataProcessingRegister, .loadStore]
    /// Exclusive accesses depend on monitor state that differs between implementations on purpose.
    public static let excludedEncodings: Set<Encoding> = [
        .STXR, .STLXR, .LDXR, .LDAXR, .STXP, .STLXP, .LDXP, .LDAXP,
    ]
    /// The branches `forwardBranches` adds.
    public static let forwardBranchEncodings: [Encoding] = [.B_cond, .B, .BL, .CBZ, .CBNZ, .TBZ, .TBNZ]
    /// Rows whose Rd = 31 names SP rather than the zero register.
    static let stackPointerDestinations: Set<Encoding> = [
        .ADD_imm, .SUB_imm, .AND_imm, .ORR_imm, .EOR_imm, .ADD_ext, .SUB_ext,
    ]

    /// The rows sequences are drawn from.
    public let rows: [EncodingRow]
    public let environment: SequenceEnvironment
    /// How many words of each row were accepted so far.
    public private(set) var acceptedCounts: [Encoding: Int] = [:]
    /// Candidate words the decoder rejected (UNDEFINED field combinations).
    public private(set) var undefinedCandidates = 0
    /// Candidate words the constraints rejected.
    public private(set) var constrainedCandidates = 0

    public init(environment: SequenceEnvironment, forwardBranches: Bool = false) {
        self.environment = environment
        rows = EncodingTable.rows.filter {
            (Self.groups.contains($0.group) && !Self.excludedEncodings.contains($0.encoding))
                || (forwardBranches && Self.forwardBranchEncodings.contains($0.encoding))
        }
    }

    /// The register state the constraints track while a sequence is generated.
    struct TrackedState {
        var registers: [UInt64]
        var stackPointer: UInt64
        /// Which of x26–x28 still hold a value the generator knows (SP always does).
        var known = RandomSequenceGenerator.reservedRegisters
        /// The address just past the sequence, where every branch path ends.
        var end: UInt64
        /// Instructions below this address may be skipped by a branch before them.
        var shadowEnd: UInt64 = 0

        func value(of register: UInt32, stackPointerForThirtyOne: Bool) -> UInt64 {
            if register == 31 { return stackPointerForThirtyOne ? stackPointer : 0 }
            return registers[Int(register)]
        }

        func isKnown(_ register: UInt32) -> Bool { register == 31 || known.contains(register) }

        mutating func apply(_ effect: RegisterEffect) {
            switch effect {
            case .set(let register, let value):
                if register == 31 { stackPointer = value } else { registers[Int(register)] = value }
            case .forget(let register):
                known.remove(register)
            case .shadow(let target):
                shadowEnd = max(shadowEnd, target)
            }
        }
    }

    /// How an accepted word changes what the generator knows about x26–x28 and SP.
    enum RegisterEffect {
        case set(UInt32, UInt64)
        case forget(UInt32)
        /// A forward branch to this address: the instructions before it may not run.
        case shadow(UInt64)
    }

    /// A random sequence of `length` instructions starting at `address`, with random initial state.
    public mutating func makeSequence(
        at address: UInt64, length: Int, using generator: inout some RandomNumberGenerator
    ) -> RandomSequence {
        var registers = (0..<31).map { _ in Self.randomRegisterValue(using: &generator) }
        registers[Int(Self.ascendingIndexRegister)] = UInt64.random(in: 0..<256, using: &generator)
        registers[Int(Self.descendingIndexRegister)] = 0 &- UInt64.random(in: 1...256, using: &generator)
        let scratch = environment.scratch
        let margin: UInt64 = 256
        var baseOffset = UInt64.random(in: margin..<(UInt64(scratch.count) - margin), using: &generator)
        if Bool.random(using: &generator) { baseOffset &= ~7 }
        registers[Int(Self.baseRegister)] = scratch.lowerBound + baseOffset
        let stackOffset = UInt64.random(in: margin..<(UInt64(scratch.count) - margin), using: &generator) & ~15
        var state = TrackedState(registers: registers, stackPointer: scratch.lowerBound + stackOffset,
                                 end: address + UInt64(length * 4))
        let initial = state

        var words: [UInt32] = [], encodings: [Encoding] = []
        for index in 0..<length {
            let (word, encoding) = makeInstruction(at: address + UInt64(index * 4), state: &state, using: &generator)
            words.append(word)
            encodings.append(encoding)
        }
        return RandomSequence(
            address: address, words: words, encodings: encodings, registers: initial.registers,
            stackPointer: initial.stackPointer, nzcv: UInt32(generator.next() & 0xF) << 28,
            memorySeed: generator.next() | 1)
    }

    /// Interesting 64-bit values: zero, small and boundary values, and random 32- and 64-bit patterns.
    static func randomRegisterValue(using generator: inout some RandomNumberGenerator) -> UInt64 {
        switch generator.next() % 8 {
        case 0: return 0
        case 1: return UInt64.random(in: 0..<256, using: &generator)
        case 2: return 0 &- UInt64.random(in: 1...256, using: &generator)
        case 3:
            let boundaries: [UInt64] = [1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max, 0x8000_0000_0000_0001]
            return boundaries.randomElement(using: &generator)!
        case 4: return generator.next() & 0xFFFF_FFFF
        case 5: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: generator.next())))
        default: return generator.next()
        }
    }

    /// One accepted instruction word at `pc`, updating `state` with its effect on the base registers.
    mutating func makeInstruction(
        at pc: UInt64, state: inout TrackedState, using generator: inout some RandomNumberGenerator
    ) -> (UInt32, Encoding) {
        while true {
            let row = rows.randomElement(using: &generator)!
            // Retry within the row first, so rows that are hard to satisfy still get their share.
            for _ in 0..<256 {
                let word = randomWord(for: row, at: pc, state: state, using: &generator)
                guard Decoder.decode(word, at: pc).isDefined else {
                    undefinedCandidates += 1
                    continue
                }
                guard case .accepted(let effects) = verdict(on: word, row: row, at: pc, state: state) else {
                    constrainedCandidates += 1
                    continue
                }
                for effect in effects { state.apply(effect) }
                acceptedCounts[row.encoding, default: 0] += 1
                return (word, row.encoding)
            }
        }
    }

    /// The row's fixed bits with random fields; memory rows get a known base and index register,
    /// branches a forward offset that stays within the sequence.
    func randomWord(
        for row: EncodingRow, at pc: UInt64, state: TrackedState, using generator: inout some RandomNumberGenerator
    ) -> UInt32 {
        var word = row.pattern.value
        for (letter, field) in row.pattern.fields {
            var value = UInt32(truncatingIfNeeded: generator.next()) & (field.mask >> UInt32(field.low))
            if Self.forwardBranchEncodings.contains(row.encoding) && letter == "i" {
                value = UInt32.random(in: 1...UInt32((state.end - pc) / 4), using: &generator)
            }
            if row.group == .loadStore && letter == "n" {
                value = [Self.baseRegister, Self.stackPointer].filter(state.isKnown).randomElement(using: &generator)!
            }
            if row.encoding == .LDST_reg && letter == "m" {
                value = [Self.ascendingIndexRegister, Self.descendingIndexRegister, 31].filter(state.isKnown)
                    .randomElement(using: &generator)!
            }
            word |= value << UInt32(field.low)
        }
        return word
    }

    /// What the constraints say about a candidate word.
    enum Verdict {
        case rejected
        /// Allowed, with its effect on what the generator knows about x26–x28 and SP.
        case accepted([RegisterEffect])
    }

    /// Whether `word` satisfies the constraints, and how it changes the tracked registers.
    func verdict(on word: UInt32, row: EncodingRow, at pc: UInt64, state: TrackedState) -> Verdict {
        if Self.forwardBranchEncodings.contains(row.encoding) {
            let bits = row.pattern.fields["i"]!.width
            let target = pc &+ BitMasks.signExtend(UInt64(row.pattern.field("i", in: word)) << 2, bits: Int(bits) + 2)
            return target > pc && target <= state.end ? .accepted([.shadow(target)]) : .rejected
        }
        let verdict = unshadowedVerdict(on: word, row: row, at: pc, state: state)
        guard pc < state.shadowEnd, case .accepted(let effects) = verdict else { return verdict }
        // In a branch's shadow the instruction may not run: a register it updates becomes unknown.
        var shadowed: [RegisterEffect] = []
        for effect in effects {
            guard case .set(let register, _) = effect else {
                shadowed.append(effect)
                continue
            }
            if register == Self.stackPointer { return .rejected }
            shadowed.append(.forget(register))
        }
        return .accepted(shadowed)
    }

    /// The verdict for straight-line code, ignoring branch shadows.
    func unshadowedVerdict(on word: UInt32, row: EncodingRow, at pc: UInt64, state: TrackedState) -> Verdict {
        func field(_ letter: Unicode.Scalar) -> UInt32 { row.pattern.field(letter, in: word) }
        if let access = MemoryAccess(word: word, row: row, pc: pc, state: state) {
            return verdict(on: access)
        }
        guard row.pattern.fields["d"] != nil else { return .accepted([]) }
        let d = field("d")
        let isStackPointerDestination = d == 31 && Self.stackPointerDestinations.contains(row.encoding)
        guard Self.reservedRegisters.contains(d) || isStackPointerDestination else { return .accepted([]) }
        // ADD/SUB (immediate) of a known register to itself keeps it known.
        if row.encoding == .ADD_imm || row.encoding == .SUB_imm, field("n") == d, state.isKnown(d) {
            let immediate = UInt64(field("i")) << (field("h") == 1 ? 12 : 0)
            let old = state.value(of: d, stackPointerForThirtyOne: true)
            let sum = row.encoding == .ADD_imm ? old &+ immediate : old &- immediate
            return .accepted([.set(d, field("z") == 1 ? sum : sum & 0xFFFF_FFFF)])
        }
        // Any other write: SP must stay known, x26-x28 are forgotten.
        return isStackPointerDestination ? .rejected : .accepted([.forget(d)])
    }

    /// Whether a memory access satisfies the constraints, and how it changes the tracked registers.
    func verdict(on access: MemoryAccess) -> Verdict {
        var effects: [RegisterEffect] = []
        if access.isLoad && !access.isPrefetch {
            // LDP and LDPSW with Rt == Rt2 are UNPREDICTABLE.
            if access.destinations.count == 2 && access.destinations[0] == access.destinations[1] { return .rejected }
            effects += access.destinations.filter(Self.reservedRegisters.contains).map { .forget($0) }
        }
        // Writeback with Rt (or Rt2) == Rn, Rn not SP, is UNPREDICTABLE.
        if access.writeback != nil, let base = access.baseRegister, base != Self.stackPointer,
           access.transferRegisters.contains(base) {
            return .rejected
        }
        if !access.isPrefetch {
            let region = access.isLiteral ? environment.literalPool : environment.scratch
            let (end, overflow) = access.address.addingReportingOverflow(access.length)
            guard !overflow, access.address >= region.lowerBound, end <= region.upperBound,
                  access.address % access.alignment == 0 else { return .rejected }
        }
        if let writeback = access.writeback, let base = access.baseRegister { effects.append(.set(base, writeback)) }
        return .accepted(effects)
    }
}

/// The memory access a load/store word makes, computed from its fields per the Arm ARM (not by the
/// decoder under test), with the tracked register values.
struct MemoryAccess {
    var address: UInt64
    var length: UInt64
    var alignment: UInt64 = 1
    var isLoad: Bool
    var isPrefetch = false
    var isLiteral = false
    /// x28, SP (31), or nil for literals.
    var baseRegister: UInt32?
    /// The base register's value after writeback.
    var writeback: UInt64?
    /// Rt (and Rt2): destinations of a load, sources of a store.
    var transferRegisters: [UInt32]
    var destinations: [UInt32] { isLoad ? transferRegisters : [] }

    init?(word: UInt32, row: EncodingRow, pc: UInt64, state: RandomSequenceGenerator.TrackedState) {
        func field(_ letter: Unicode.Scalar) -> UInt32 { row.pattern.field(letter, in: word) }
        func signExtend(_ value: UInt32, bits: Int) -> UInt64 { BitMasks.signExtend(UInt64(value), bits: bits) }
        switch row.encoding {
        case .LDR_lit, .LDRSW_lit, .PRFM_lit:
            address = pc &+ signExtend(field("i") << 2, bits: 21)
            length = row.encoding == .LDR_lit && field("z") == 1 ? 8 : 4
            isLoad = true
            isPrefetch = row.encoding == .PRFM_lit
            isLiteral = true
            transferRegisters = [field("t")]
        case .STLR, .LDAR:
            let base = field("n")
            baseRegister = base
            address = state.value(of: base, stackPointerForThirtyOne: true)
            length = 1 << UInt64(field("x"))
            alignment = length
            isLoad = row.encoding == .LDAR
            transferRegisters = [field("t")]
        case .LDST_unscaled, .LDST_post, .LDST_unpriv, .LDST_pre, .LDST_unsigned, .LDST_reg:
            let base = field("n")
            let baseValue = state.value(of: base, stackPointerForThirtyOne: true)
            let size = field("x"), opc = field("o")
            baseRegister = base
            length = 1 << UInt64(size)
            isLoad = opc != 0
            isPrefetch = size == 3 && opc == 2
            transferRegisters = [field("t")]
            switch row.encoding {
            case .LDST_unsigned:
                address = baseValue &+ (UInt64(field("i")) << UInt64(size))
            case .LDST_reg:
                let index = state.value(of: field("m"), stackPointerForThirtyOne: false)
                let shift = field("S") == 1 ? UInt64(size) : 0
                address = baseValue &+ (Self.extend(index, option: field("e")) << shift)
            default:
                let offset = signExtend(field("i"), bits: 9)
                address = row.encoding == .LDST_post ? baseValue : baseValue &+ offset
                if row.encoding == .LDST_post || row.encoding == .LDST_pre { writeback = baseValue &+ offset }
            }
        case .STNP, .LDNP, .STP_post, .LDP_post, .STP, .LDP, .STP_pre, .LDP_pre, .LDPSW_post, .LDPSW, .LDPSW_pre:
            let base = field("n")
            let baseValue = state.value(of: base, stackPointerForThirtyOne: true)
            let isSignedWord = [.LDPSW_post, .LDPSW, .LDPSW_pre].contains(row.encoding)
            let size: UInt64 = isSignedWord ? 4 : (field("z") == 1 ? 8 : 4)
            let offset = signExtend(field("i"), bits: 7) << UInt64(size.trailingZeroBitCount)
            let isPost = [.STP_post, .LDP_post, .LDPSW_post].contains(row.encoding)
            let isPre = [.STP_pre, .LDP_pre, .LDPSW_pre].contains(row.encoding)
            baseRegister = base
            address = isPost ? baseValue : baseValue &+ offset
            length = 2 * size
            isLoad = word >> 22 & 1 == 1
            transferRegisters = [field("t"), field("u")]
            if isPost || isPre { writeback = baseValue &+ offset }
        default:
            return nil
        }
    }

    /// ExtendReg without the shift.
    static func extend(_ value: UInt64, option: UInt32) -> UInt64 {
        switch option {
        case 0: return value & 0xFF
        case 1: return value & 0xFFFF
        case 2: return value & 0xFFFF_FFFF
        case 4: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: value)))
        case 5: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: value)))
        case 6: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value)))
        default: return value
        }
    }
}
