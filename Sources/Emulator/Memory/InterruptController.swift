/// A minimal GICv2 (distributor and CPU interface) at QEMU virt's addresses, for one core.
///
/// It implements what a small kernel uses to take interrupts: enabling the distributor and CPU
/// interface, per-interrupt enables, priorities and the priority mask, software-generated
/// interrupts to self (GICD_SGIR), acknowledge (GICC_IAR) and end of interrupt (GICC_EOIR). SGIs are
/// always enabled, an implementation choice GICv2 allows. The host raises interrupts by making
/// them pending. Everything else reads as zero and ignores writes.
public final class InterruptController {
    public static let distributorBase: UInt64 = 0x0800_0000
    public static let cpuInterfaceBase: UInt64 = 0x0801_0000
    public static let regionSize: UInt64 = 0x1_0000
    public static let distributorRange = distributorBase..<distributorBase + regionSize
    public static let cpuInterfaceRange = cpuInterfaceBase..<cpuInterfaceBase + regionSize
    /// Interrupt ids 0–63: 16 SGIs, 16 PPIs, 32 SPIs.
    public static let interruptCount = 64
    public static let spuriousInterrupt: UInt32 = 1023

    private var distributorEnabled = false
    private var cpuInterfaceEnabled = false
    private var priorityMask: UInt8 = 0
    private var binaryPoint: UInt32 = 0
    private var enabled: UInt64 = 0xFFFF // SGIs always enabled
    private var pending: UInt64 = 0
    private var active: UInt64 = 0
    private var priorities = [UInt8](repeating: 0, count: interruptCount)
    private var configuration = [UInt32](repeating: 0, count: interruptCount / 16)

    public init() {}

    /// Takes on `other`'s state: enables, priorities, pending and active interrupts (its devices
    /// stay this controller's own).
    func copyState(from other: InterruptController) {
        distributorEnabled = other.distributorEnabled
        cpuInterfaceEnabled = other.cpuInterfaceEnabled
        priorityMask = other.priorityMask
        binaryPoint = other.binaryPoint
        enabled = other.enabled
        pending = other.pending
        active = other.active
        priorities = other.priorities
        configuration = other.configuration
    }

    /// The distributor and CPU interface as two memory-mapped devices.
    public lazy var distributor: MemoryMappedDevice = Distributor(controller: self)
    public lazy var cpuInterface: MemoryMappedDevice = CPUInterface(controller: self)

    /// Makes interrupt `id` pending, as a device (or the host) asserting it would.
    public func raise(_ id: Int) {
        guard id >= 0 && id < Self.interruptCount else { return }
        pending |= 1 << UInt64(id)
    }

    /// Whether the CPU's IRQ input is asserted.
    public var irqAsserted: Bool { highestPriorityPending() != nil }

    /// The interrupts currently pending (for diagnostics and tests).
    public var pendingInterrupts: [Int] { (0..<Self.interruptCount).filter { pending >> UInt64($0) & 1 == 1 } }

    private var runningPriority: UInt8 {
        var lowest: UInt8 = 0xFF
        for id in 0..<Self.interruptCount where active >> UInt64(id) & 1 == 1 {
            lowest = min(lowest, priorities[id])
        }
        return lowest
    }

    /// The pending, enabled, inactive interrupt with the highest priority that may signal now.
    private func highestPriorityPending() -> Int? {
        guard distributorEnabled && cpuInterfaceEnabled else { return nil }
        let candidates = pending & enabled & ~active
        guard candidates != 0 else { return nil }
        let threshold = min(priorityMask, runningPriority)
        var best: Int?
        for id in 0..<Self.interruptCount where candidates >> UInt64(id) & 1 == 1 {
            if priorities[id] < threshold, best.map({ priorities[id] < priorities[$0] }) ?? true {
                best = id
            }
        }
        return best
    }

    private func acknowledge() -> UInt32 {
        guard let id = highestPriorityPending() else { return Self.spuriousInterrupt }
        pending &= ~(1 << UInt64(id))
        active |= 1 << UInt64(id)
        return UInt32(id) // SGIs carry the source CPU in bits 12:10, which is 0 here
    }

    private func endOfInterrupt(_ value: UInt64) {
        let id = Int(value & 0x3FF)
        guard id < Self.interruptCount else { return }
        active &= ~(1 << UInt64(id))
    }

    private static func bitRegister(_ bits: UInt64, index: Int) -> UInt64 {
        index < 2 ? (bits >> UInt64(index * 32)) & 0xFFFF_FFFF : 0
    }

    private static func wordMask(index: Int, value: UInt64) -> UInt64 {
        index < 2 ? (value & 0xFFFF_FFFF) << UInt64(index * 32) : 0
    }

    fileprivate func distributorRead(offset: UInt64, size: Int) -> UInt64 {
        let index = Int((offset & 0x7F) / 4)
        switch offset {
        case 0x000: return distributorEnabled ? 1 : 0
        case 0x004: return UInt64(Self.interruptCount / 32 - 1) // ITLinesNumber
        case 0x008: return 0x0200_043B
        case 0x100..<0x180: return Self.bitRegister(enabled, index: index)
        case 0x180..<0x200: return Self.bitRegister(enabled, index: index)
        case 0x200..<0x280: return Self.bitRegister(pending, index: index)
        case 0x280..<0x300: return Self.bitRegister(pending, index: index)
        case 0x300..<0x380: return Self.bitRegister(active, index: index)
        case 0x400..<0x440:
            var value: UInt64 = 0
            for byte in 0..<size where Int(offset - 0x400) + byte < Self.interruptCount {
                value |= UInt64(priorities[Int(offset - 0x400) + byte]) << UInt64(byte * 8)
            }
            return value
        case 0x800..<0x840:
            return size == 4 ? 0x0101_0101 : (size == 1 ? 0x01 : 0x0101) // every interrupt targets CPU 0
        case 0xC00..<0xC10: return UInt64(configuration[Int(offset - 0xC00) / 4])
        default: return 0
        }
    }

    fileprivate func distributorWrite(offset: UInt64, size: Int, value: UInt64) {
        let index = Int((offset & 0x7F) / 4)
        switch offset {
        case 0x000: distributorEnabled = value & 1 == 1
        case 0x100..<0x180: enabled |= Self.wordMask(index: index, value: value)
        case 0x180..<0x200: enabled &= ~Self.wordMask(index: index, value: value) | 0xFFFF
        case 0x200..<0x280: pending |= Self.wordMask(index: index, value: value) & ~0xFFFF
        case 0x280..<0x300: pending &= ~(Self.wordMask(index: index, value: value) & ~0xFFFF)
        case 0x400..<0x440:
            for byte in 0..<size where Int(offset - 0x400) + byte < Self.interruptCount {
                priorities[Int(offset - 0x400) + byte] = UInt8(truncatingIfNeeded: value >> UInt64(byte * 8))
            }
        case 0xC00..<0xC10: configuration[Int(offset - 0xC00) / 4] = UInt32(truncatingIfNeeded: value)
        case 0xF00:
            let filter = value >> 24 & 0b11
            let targets = value >> 16 & 0xFF
            // 0b10: this CPU only; 0b00: the CPUs in the target list (CPU 0 is bit 0); 0b01: all others (none).
            if filter == 0b10 || (filter == 0b00 && targets & 1 == 1) { raise(Int(value & 0xF)) }
        default: break
        }
    }

    fileprivate func cpuInterfaceRead(offset: UInt64) -> UInt64 {
        switch offset {
        case 0x000: return cpuInterfaceEnabled ? 1 : 0
        case 0x004: return UInt64(priorityMask)
        case 0x008: return UInt64(binaryPoint)
        case 0x00C: return UInt64(acknowledge())
        case 0x014: return UInt64(runningPriority)
        case 0x018: return UInt64(highestPriorityPending().map(UInt32.init) ?? Self.spuriousInterrupt)
        case 0x0FC: return 0x0202_043B
        default: return 0
        }
    }

    fileprivate func cpuInterfaceWrite(offset: UInt64, value: UInt64) {
        switch offset {
        case 0x000: cpuInterfaceEnabled = value & 1 == 1
        case 0x004: priorityMask = UInt8(truncatingIfNeeded: value)
        case 0x008: binaryPoint = UInt32(value & 7)
        case 0x010: endOfInterrupt(value)
        default: break
        }
    }

    private final class Distributor: MemoryMappedDevice {
        unowned let controller: InterruptController
        init(controller: InterruptController) { self.controller = controller }
        func read(offset: UInt64, size: Int) -> UInt64 { controller.distributorRead(offset: offset, size: size) }
        func write(offset: UInt64, size: Int, value: UInt64) {
            controller.distributorWrite(offset: offset, size: size, value: value)
        }
    }

    private final class CPUInterface: MemoryMappedDevice {
        unowned let controller: InterruptController
        init(controller: InterruptController) { self.controller = controller }
        func read(offset: UInt64, size: Int) -> UInt64 { controller.cpuInterfaceRead(offset: offset) }
        func write(offset: UInt64, size: Int, value: UInt64) { controller.cpuInterfaceWrite(offset: offset, value: value) }
    }
}
