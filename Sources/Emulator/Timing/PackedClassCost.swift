import A64

/// A class cost flattened for the hot path: fixed fields, no arrays, plus the event cost that the
/// profile attaches to serialising classes.
struct PackedClassCost {
    var microOps: UInt8 = 1
    var latency: UInt8 = 1
    var secondLatency: UInt8 = 1
    var writebackLatency: UInt8 = 1
    var useCount: UInt8 = 0
    var pipes: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
    var busyCycles: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    /// Cycles the instruction takes after every earlier instruction has completed; 0 for classes
    /// that do not wait for the pipeline to drain.
    var serialisation: UInt16 = 0
    /// What a result of this class forwards as: 0 none, 1 integer pipeline, 2 multiply.
    var producerKind: UInt8 = 0

    @inline(__always)
    func pipeMask(_ index: Int) -> UInt16 {
        switch index {
        case 0: return pipes.0
        case 1: return pipes.1
        case 2: return pipes.2
        default: return pipes.3
        }
    }

    @inline(__always)
    func busy(_ index: Int) -> UInt8 {
        switch index {
        case 0: return busyCycles.0
        case 1: return busyCycles.1
        case 2: return busyCycles.2
        default: return busyCycles.3
        }
    }

    init() {}

    init(_ cost: ClassCost, timingClass: TimingClass, profile: CPUProfile) {
        microOps = cost.microOps
        latency = cost.latency
        secondLatency = cost.secondLatency
        writebackLatency = cost.writebackLatency
        useCount = UInt8(cost.uses.count)
        let masks = cost.uses.map(\.pipes) + [0, 0, 0, 0]
        let cycles = cost.uses.map(\.cycles) + [0, 0, 0, 0]
        pipes = (masks[0], masks[1], masks[2], masks[3])
        busyCycles = (cycles[0], cycles[1], cycles[2], cycles[3])
        switch timingClass {
        case .instructionSynchronizationBarrier: serialisation = UInt16(profile.instructionBarrier.value)
        case .dataSynchronizationBarrier: serialisation = UInt16(profile.dataSynchronizationBarrier.value)
        case .dataMemoryBarrier: serialisation = UInt16(profile.dataMemoryBarrier.value)
        case .systemRegisterWrite: serialisation = UInt16(profile.systemRegisterWrite.value)
        case .dataCacheMaintenance: serialisation = UInt16(profile.dataCacheMaintenance.value)
        case .instructionCacheMaintenance: serialisation = UInt16(profile.instructionCacheMaintenance.value)
        case .exceptionReturn: serialisation = UInt16(profile.exceptionReturn.value)
        case .systemRegisterRead: latency = UInt8(profile.systemRegisterRead.value)
        default: break
        }
        if timingClass.isMultiply {
            producerKind = 2
        } else if timingClass.isIntegerExecute && timingClass != .extract && timingClass != .rotateImmediate {
            producerKind = 1
        }
    }
}
