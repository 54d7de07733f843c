import DebugInfo
import Foundation
import Emulator
import GuestKernel

/// Checks every stack walk the guest takes during a call against the shadow call stack, and walks
/// the same moment with libdw as a second reference.
///
/// At the first instruction of `pb_stack_walk_pair` the shadow call stack says what the walk must
/// find (the guest walk starts at its caller); a one-shot hook on the return address then reads
/// the guest's plain and reliable walks as soon as they are written. Interrupt samples are also
/// walked by libdw from the interrupted context itself, at the IRQ vector.
final class WalkRecorder {
    private(set) var tallies: [WalkPoint: [Walker: WalkTally]] = [:]
    private let kernel: GuestKernel
    private let shadow: ShadowCallStack
    private let classifier: WalkClassifier
    /// Held for the recorder's lifetime, so no other recorder walks with the same unwinder meanwhile.
    private let lease: UnwinderLease?
    private var unwinder: DWARFUnwinder? { lease?.unwinder }
    private let libdwProblem: String?
    private let describe: (UInt64) -> String
    /// Whether the guest's next interrupt walks are counted: off for an IRQ taken where an earlier
    /// one of the same sweep was, which would be the same walk of the same state again.
    var recordsInterruptWalks = true

    /// The control block's walk buffers and the walk point each one records.
    static let buffers: [(ControlBlock.WalkBuffer, WalkPoint)] = [
        (.entry, .entryHandler), (.exit, .exitHandler), (.callee, .calleeWhileHooked), (.interrupt, .interrupt),
    ]

    /// `tracedFunction` is the workload's function, whose call walks from a handler's registers
    /// (`regs-walk`) must find; `mechanism` is the path whose handler takes them, which hands over
    /// its own entry pc (`Mechanism.entryRegistersOffset`).
    init(driver: HookedCall, shadow: ShadowCallStack, classifier: WalkClassifier, references: WalkReferences,
         tracedFunction: UInt64, mechanism: Mechanism) throws {
        let entryRegistersPC = tracedFunction + mechanism.entryRegistersOffset
        kernel = driver.kernel
        self.shadow = shadow
        self.classifier = classifier
        lease = references.unwinder
        libdwProblem = references.libdwProblem
        describe = references.describe
        let walkFunction = try kernel.address(of: "pb_stack_walk_pair")
        driver.on(walkFunction) { [unowned self, unowned driver] _ in
            try walkStarted(driver: driver)
        }
        driver.on(try kernel.address(of: "pb_stack_walk_regs")) { [unowned self, unowned driver] _ in
            try registersWalkStarted(driver: driver, tracedFunction: tracedFunction, entryRegistersPC: entryRegistersPC)
        }
    }

    private func tally(_ point: WalkPoint, _ walker: Walker, _ update: (inout WalkTally) -> Void) {
        var entry = tallies[point, default: [:]][walker] ?? WalkTally(point: point, walker: walker)
        update(&entry)
        tallies[point, default: [:]][walker] = entry
    }

    /// At `pb_stack_walk_pair`'s first instruction: note what the walk must find, walk with libdw,
    /// and arrange to read the guest's walk once the function returns.
    private func walkStarted(driver: HookedCall) throws {
        let frames = shadow.frames
        guard let top = frames.last, top.kind == .call else { return }
        let expected = ExpectedWalk(frames: frames).pcs
        let sequences = Self.buffers.map { kernel.control.walk($0.0, reliable: false).sequence }
        let libdwSnapshot = unwinder.map { _ in
            (registers: kernel.machine.generalRegisters, sp: kernel.machine.sp, pc: kernel.machine.pc)
        }
        var token = 0
        token = driver.on(top.returnAddress) { [unowned self, unowned driver] address in
            driver.remove(token, at: address)
            let control = kernel.control
            // The buffer whose sequence moved says which walk this was.
            guard let (buffer, point) = zip(Self.buffers, sequences).first(where: { entry, before in
                control.walk(entry.0, reliable: false).sequence != before
            })?.0, point != .interrupt || recordsInterruptWalks else { return }
            let plain = control.walk(buffer, reliable: false)
            let reliable = control.walk(buffer, reliable: true)
            let interrupted = point == .interrupt ? describe(control.interruptedPC) : nil
            let plainVerdict = classifier.classify(actual: plain.pcs, expected: expected)
            tally(point, .guest) {
                $0.record(plainVerdict, example: self.example(expected, plain.pcs, plainVerdict, interrupted))
            }
            let reliableVerdict = classifier.classify(actual: reliable.pcs, expected: expected)
            tally(point, .guestReliable) {
                $0.record(reliableVerdict, refused: !reliable.succeeded, claimedReliable: reliable.succeeded,
                          example: self.example(expected, reliable.pcs, reliableVerdict, interrupted))
            }
            // Interrupt samples are walked by libdw from the interrupted context, at the vector.
            if point != .interrupt, let snapshot = libdwSnapshot {
                walkWithLibdw(point: point, expected: expected, dropInnermost: true,
                              registers: AArch64Registers(x: snapshot.registers, sp: snapshot.sp, pc: snapshot.pc))
            } else if point != .interrupt {
                tally(point, .libdw) { $0.markUnavailable(libdwProblem ?? "libdw unavailable") }
            }
        }
    }

    /// At `pb_stack_walk_regs`'s first instruction (x0 the walk buffer, x1 the register set, w2 its
    /// kind): note what a walk from the traced call's registers must find, walk the same registers
    /// with libdw (only those the set holds), and read the guest's walk once the function returns.
    private func registersWalkStarted(driver: HookedCall, tracedFunction: UInt64, entryRegistersPC: UInt64) throws {
        let machine = kernel.machine
        let control = kernel.control
        let frames = shadow.frames
        guard let top = frames.last, top.kind == .call else { return }
        let buffer: ControlBlock.WalkBuffer, point: WalkPoint
        switch machine[x: 0] {
        case control.address(of: .entry): (buffer, point) = (.entry, .entryRegisters)
        case control.address(of: .exit): (buffer, point) = (.exit, .exitRegisters)
        default:
            throw WalkRecordingError("pb_stack_walk_regs was asked to write 0x\(String(machine[x: 0], radix: 16)), "
                + "neither the entry nor the exit walk buffer")
        }
        let resumePC = point == .entryRegisters ? entryRegistersPC : nil
        let expected = ExpectedWalk(fromHandlerRegistersOf: tracedFunction, frames: frames, resumePC: resumePC)?.pcs
        let kind = RegisterSetKind(guestID: UInt32(truncatingIfNeeded: machine[x: 2]))
        let registers = kind.flatMap { Self.registers(of: $0, at: machine[x: 1], in: machine.memory) }
        // Without a frame of the traced call, or registers the harness can read, the walk cannot
        // be judged: a failure of the measurement, not a verdict.
        guard let expected else {
            throw WalkRecordingError("a walk from the \(point == .entryRegisters ? "entry" : "exit") handler's registers "
                + "was taken with no call of \(describe(tracedFunction)) on the shadow call stack")
        }
        guard let registers else {
            throw WalkRecordingError("the register set at 0x\(String(machine[x: 1], radix: 16)) (kind \(machine[x: 2])) "
                + "handed to pb_stack_walk_regs cannot be read")
        }
        var token = 0
        token = driver.on(top.returnAddress) { [unowned self, unowned driver] address in
            driver.remove(token, at: address)
            let plain = control.walk(buffer, reliable: false)
            let verdict = classifier.classify(actual: plain.pcs, expected: expected)
            tally(point, .guest) { $0.record(verdict, example: self.example(expected, plain.pcs, verdict, nil)) }
            walkWithLibdw(point: point, expected: expected, dropInnermost: false, registers: registers)
        }
    }

    /// The register set of `kind` at `address` as a CFI unwinder would get it: the registers the
    /// set holds, the rest undefined; nil when it cannot be read.
    static func registers(of kind: RegisterSetKind, at address: UInt64, in memory: PhysicalMemory) -> AArch64Registers? {
        var x = [UInt64](repeating: 0, count: 31)
        var given: UInt32 = 1 << 31
        for index in 0...30 {
            guard let offset = kind.generalRegisterOffset(index) else { continue }
            guard let value = memory.readUInt64(at: address &+ offset) else { return nil }
            x[index] = value
            given |= 1 << UInt32(index)
        }
        guard let sp = memory.readUInt64(at: address &+ kind.stackPointerOffset),
              let pc = memory.readUInt64(at: address &+ kind.programCounterOffset) else { return nil }
        return AArch64Registers(x: x, sp: sp, pc: pc, given: given)
    }

    /// Walks a register snapshot (the machine's current registers by default) with libdw against
    /// the machine's memory and compares with `expected`. `dropInnermost` skips the frame of the
    /// function the snapshot was taken in.
    func walkWithLibdw(point: WalkPoint, expected: [UInt64], dropInnermost: Bool, pc: UInt64? = nil,
                       registers: AArch64Registers? = nil) {
        guard let unwinder else {
            tally(point, .libdw) { $0.markUnavailable(libdwProblem ?? "libdw unavailable") }
            return
        }
        let machine = kernel.machine
        let state = registers ?? AArch64Registers(x: machine.generalRegisters, sp: machine.sp, pc: pc ?? machine.pc)
        let memory = machine.memory
        let walk = unwinder.walk(registers: state, maxFrames: GuestABI.walkMaxFrames + 2) { memory.readUInt64(at: $0) }
        var pcs = walk.frames.map(\.pc)
        if dropInnermost && !pcs.isEmpty { pcs.removeFirst() }
        if let end = pcs.firstIndex(of: kernel.hostReturn) { pcs.removeSubrange(end...) }
        let verdict = classifier.classify(actual: pcs, expected: expected)
        let interrupted = point == .interrupt ? describe(state.pc) : nil
        tally(point, .libdw) { $0.record(verdict, example: self.example(expected, pcs, verdict, interrupted)) }
    }

    private func example(_ expected: [UInt64], _ actual: [UInt64], _ verdict: WalkVerdict, _ interrupted: String?) -> WalkExample {
        WalkExample(expected: expected.map(describe), actual: actual.map(describe), verdict: verdict.rawValue,
                    interruptedAt: interrupted)
    }

    /// Every tally, in a fixed order.
    var verifications: [WalkVerification] {
        WalkPoint.allCases.flatMap { point in
            Walker.allCases.compactMap { tallies[point]?[$0]?.verification }
        }
    }
}

/// A walk the recorder could not judge, and why.
struct WalkRecordingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What walks are checked against besides the shadow call stack.
struct WalkReferences {
    /// libdw's unwinder over the guest ELF, or nil with the reason in `libdwProblem`.
    var unwinder: UnwinderLease?
    var libdwProblem: String?
    /// `symbol+0xoffset` (or the region) for an address, for examples.
    var describe: (UInt64) -> String
}
