extension DWARFProgram {
    /// The type spelled as C would declare it: `const char *`, `struct packet`,
    /// `int (*)(int, const char *)`, `unsigned int[2][3]`, `union <anonymous>`.
    public func name(of id: TypeID) -> String {
        spell(id, declarator: "", depth: 0)
    }

    private func spell(_ id: TypeID, declarator: String, depth: Int) -> String {
        guard depth < 64 else { return attach("<…>", declarator) }
        switch type(id).kind {
        case .void:
            return attach("void", declarator)
        case .base(let base):
            return attach(base.name, declarator)
        case .typedef(let name, _):
            return attach(name, declarator)
        case .structure(let composite):
            return attach("struct \(composite.name ?? "<anonymous>")", declarator)
        case .union(let composite):
            return attach("union \(composite.name ?? "<anonymous>")", declarator)
        case .enumeration(let enumeration):
            return attach("enum \(enumeration.name ?? "<anonymous>")", declarator)
        case .unsupported(let tag, let name):
            return attach(name ?? "<DWARF tag 0x\(String(tag, radix: 16))>", declarator)
        case .pointer(let pointee, _):
            let pointer = "*" + declarator
            return spell(pointee, declarator: needsParentheses(pointee) ? "(\(pointer))" : pointer, depth: depth + 1)
        case .qualified(let qualifier, let target):
            if case .pointer = type(target).kind {
                // `char *const p`: the qualifier binds to the pointer, after the star.
                return spell(target, declarator: declarator.isEmpty ? qualifier.rawValue : "\(qualifier.rawValue) \(declarator)", depth: depth + 1)
            }
            return "\(qualifier.rawValue) " + spell(target, declarator: declarator, depth: depth + 1)
        case .array(let array):
            let dimensions = array.dimensions.map { "[\($0.map(String.init) ?? "")]" }.joined()
            return spell(array.element, declarator: declarator + dimensions, depth: depth + 1)
        case .function(let function):
            var parameters = function.parameterTypes.map { name(of: $0) }
            if function.isVariadic { parameters.append("...") }
            if parameters.isEmpty && function.isPrototyped { parameters = ["void"] }
            return spell(function.returnType, declarator: declarator + "(\(parameters.joined(separator: ", ")))", depth: depth + 1)
        }
    }

    /// Whether a pointer to this type needs `(*)` around its declarator: pointers to arrays and functions.
    private func needsParentheses(_ pointee: TypeID) -> Bool {
        switch type(pointee).kind {
        case .array, .function: return true
        default: return false
        }
    }

    private func attach(_ specifier: String, _ declarator: String) -> String {
        if declarator.isEmpty { return specifier }
        return declarator.hasPrefix("[") ? specifier + declarator : specifier + " " + declarator
    }
}
