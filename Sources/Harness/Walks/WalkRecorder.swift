import DebugInfo
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
    private let unwinder: DWARFUnwinder?
    private let libdwProblem: String?
    private let describe: (UInt64) -> String

    /// Functions whose call to `pb_stack_walk_pair` identifies the walk point.
    static let walkPoints: [String: (WalkPoint, ControlBlock.WalkBuffer)] = [
        "pb_probe_entry": (.entryHandler, .entry),
        "pb_probe_exit": (.exitHandler, .exit),
        "pb_wl_sample_callee": (.calleeWhileHooked, .callee),
        "sample_irq": (.interrupt, .interrupt),
    ]

    init(driver: HookedCall, shadow: ShadowCallStack, classifier: WalkClassifier, references: WalkReferences) throws {
        kernel = driver.kernel
        self.shadow = shadow
        self.classifier = classifier
        unwinder = references.unwinder
        libdwProblem = references.libdwProblem
        describe = references.describe
        let walkFunction = try kernel.address(of: "pb_stack_walk_pair")
        driver.on(walkFunction) { [unowned self, unowned driver] _ in
            try walkStarted(driver: driver)
        }
    }

    private func tally(_ point: WalkPoint, _ walker: Walker, _ update: (inout WalkTally) -> Void) {
        var entry = tallies[point, default: [:]][walker] ?? WalkTally(point: point, walker: walker)
        update(&entry)
        tallies[point, default: [:]][walker] = entry
    }

    private func walkStarted(driver: HookedCall) throws {
        let frames = shadow.frames
        guard let top = frames.last, top.kind == .call,
              let caller = kernel.symbols.symbol(containing: top.returnAddress &- 1),
              let (point, buffer) = Self.walkPoints[caller.name] else { return }
        let expected = ExpectedWalk(frames: frames).pcs
        if point != .interrupt { walkWithLibdw(point: point, expected: expected, dropInnermost: true) }

        let before = kernel.control.walk(buffer, reliable: false).sequence
        var token = 0
        token = driver.on(top.returnAddress) { [unowned self, unowned driver] address in
            driver.remove(token, at: address)
            let control = kernel.control
            let plain = control.walk(buffer, reliable: false)
            let reliable = control.walk(buffer, reliable: true)
            guard plain.sequence != before else { return }
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
        }
    }

    /// Walks the machine's current context with libdw and compares with `expected`.
    /// `dropInnermost` skips the frame of the function the machine is stopped in.
    func walkWithLibdw(point: WalkPoint, expected: [UInt64], dropInnermost: Bool, pc: UInt64? = nil) {
        guard let unwinder else {
            tally(point, .libdw) { $0.markUnavailable(libdwProblem ?? "libdw unavailable") }
            return
        }
        let machine = kernel.machine
        let registers = AArch64Registers(x: machine.generalRegisters, sp: machine.sp, pc: pc ?? machine.pc)
        let memory = machine.memory
        let walk = unwinder.walk(registers: registers, maxFrames: GuestABI.walkMaxFrames + 2) { memory.readUInt64(at: $0) }
        var pcs = walk.frames.map(\.pc)
        if dropInnermost && !pcs.isEmpty { pcs.removeFirst() }
        if let end = pcs.firstIndex(of: kernel.hostReturn) { pcs.removeSubrange(end...) }
        let verdict = classifier.classify(actual: pcs, expected: expected)
        let interrupted = point == .interrupt ? describe(pc ?? machine.pc) : nil
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

/// What walks are checked against besides the shadow call stack.
struct WalkReferences {
    /// libdw's unwinder over the guest ELF, or nil with the reason in `libdwProblem`.
    var unwinder: DWARFUnwinder?
    var libdwProblem: String?
    /// `symbol+0xoffset` (or the region) for an address, for examples.
    var describe: (UInt64) -> String
}
