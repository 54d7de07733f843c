/// Arm semihosting operations the machine implements (the guest's console and exit).
enum SemihostingOperation: UInt64 {
    case writeCharacter = 0x03
    case writeString = 0x04
    case exit = 0x18
    case exitExtended = 0x20

    /// The reason code of a normal application exit (ADP_Stopped_ApplicationExit).
    static let applicationExit: UInt64 = 0x20026
}

extension Machine {
    /// Services `HLT #0xF000`: operation in X0, parameter in X1, result in X0.
    func performSemihostingCall(at site: UInt64) {
        let operationNumber = registers[0]
        let parameter = registers[1]
        guard let operation = SemihostingOperation(rawValue: operationNumber) else {
            stopWithFault(.unsupportedSemihostingCall(operationNumber), at: site,
                          message: "unsupported semihosting operation 0x\(String(operationNumber, radix: 16))")
            return
        }
        switch operation {
        case .writeCharacter:
            guard let byte = memory.readBytes(at: parameter, count: 1)?.first else {
                return stopWithBadParameter(operation, parameter, at: site)
            }
            consoleOutput(byte)
        case .writeString:
            var cursor = parameter
            while true {
                guard let byte = memory.readBytes(at: cursor, count: 1)?.first else {
                    return stopWithBadParameter(operation, cursor, at: site)
                }
                if byte == 0 { break }
                consoleOutput(byte)
                cursor &+= 1
            }
        case .exit, .exitExtended:
            // AArch64 passes a block {reason, subcode}; the subcode is the status of an application exit.
            guard let reason = memory.readUInt64(at: parameter), let subcode = memory.readUInt64(at: parameter &+ 8) else {
                return stopWithBadParameter(operation, parameter, at: site)
            }
            let status: Int64 = reason == SemihostingOperation.applicationExit ? Int64(bitPattern: subcode) : 1
            pendingStop = .exited(status: status)
        }
    }

    private func stopWithBadParameter(_ operation: SemihostingOperation, _ address: UInt64, at site: UInt64) {
        stopWithFault(.unsupportedSemihostingCall(operation.rawValue), at: site,
                      message: "semihosting operation 0x\(String(operation.rawValue, radix: 16)) reads unmapped memory at 0x\(String(address, radix: 16))")
    }
}
