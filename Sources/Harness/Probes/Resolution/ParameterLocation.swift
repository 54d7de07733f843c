import DebugInfo

/// Where a parameter is at the function's entry, by the AAPCS64 rules for integer-class values
/// (the guest is built with `-mgeneral-regs-only`): the first eight go in x0–x7, the rest on the
/// stack in 8-byte slots; a struct larger than 16 bytes is replaced by a pointer to a copy.
enum ParameterLocation: Equatable {
    /// In `x<index>`.
    case register(Int)
    /// In the 8-byte stack slot `slot` above the entry SP.
    case stackSlot(Int)
    /// A struct or union larger than 16 bytes: the register holds the address of the caller's copy.
    case referenceInRegister(Int)
    /// As above, with the address in a stack slot.
    case referenceInStackSlot(Int)
    /// Somewhere a fetch program cannot reach as one value; the reason says where.
    case unreachable(String)

    /// The locations of every parameter of a function with these parameter types.
    static func locate(_ parameters: [TypeID], in program: DWARFProgram) -> [ParameterLocation] {
        var nextRegister = 0
        var nextStackByte = 0
        var locations: [ParameterLocation] = []

        func nextScalar(reference: Bool) -> ParameterLocation {
            if nextRegister < 8 {
                defer { nextRegister += 1 }
                return reference ? .referenceInRegister(nextRegister) : .register(nextRegister)
            }
            defer { nextStackByte += 8 }
            return reference ? .referenceInStackSlot(nextStackByte / 8) : .stackSlot(nextStackByte / 8)
        }

        for parameter in parameters {
            let resolved = program.resolvingTypedefs(parameter)
            let size = program.byteSize(of: resolved)
            switch program.type(resolved).kind {
            case .base(let base) where base.encoding == .float:
                locations.append(.unreachable("a floating-point parameter is passed in a SIMD register"))
            case .base, .enumeration, .pointer:
                guard let size, size <= 8 else {
                    locations.append(.unreachable("a \(size.map { "\($0)-byte" } ?? "sizeless") scalar spans more than one register"))
                    nextRegister = 8
                    continue
                }
                locations.append(nextScalar(reference: false))
            case .structure, .union:
                guard let size else {
                    locations.append(.unreachable("its struct type has no known size"))
                    continue
                }
                if size > 16 {
                    locations.append(nextScalar(reference: true))
                } else {
                    let registers = (size + 7) / 8
                    if nextRegister + registers <= 8 {
                        let first = nextRegister
                        nextRegister += registers
                        locations.append(.unreachable("a \(size)-byte struct passed by value in x\(first)" + (registers > 1 ? "–x\(first + registers - 1)" : "")))
                    } else {
                        nextRegister = 8
                        let slot = nextStackByte / 8
                        nextStackByte += registers * 8
                        locations.append(.unreachable("a \(size)-byte struct passed by value in stack slot \(slot)"))
                    }
                }
            default:
                locations.append(.unreachable("its type '\(program.name(of: parameter))' has no register or stack slot of its own"))
            }
        }
        return locations
    }
}
