import Foundation

/// Validates JSON against the subset of JSON Schema (2020-12) that `results-v1.schema.json` uses:
/// `type`, `required`, `properties`, `additionalProperties` (boolean or schema), `items`, `enum`,
/// `minimum` and local `$ref`s into `$defs`. Unknown keywords are rejected, so the validator can
/// never silently pass a schema it does not understand.
struct JSONSchemaValidator {
    let root: [String: Any]

    static let understood: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "required", "properties",
        "additionalProperties", "items", "enum", "minimum",
    ]

    init(schema data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationFailure(path: "schema", problem: "the schema is not an object")
        }
        self.root = root
    }

    struct ValidationFailure: Error, CustomStringConvertible {
        var path: String
        var problem: String
        var description: String { "\(path): \(problem)" }
    }

    /// All violations of the schema by `document`, each with its JSON path.
    func violations(of document: Data) throws -> [ValidationFailure] {
        let value = try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
        var failures: [ValidationFailure] = []
        validate(value, against: root, path: "$", into: &failures)
        return failures
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/$defs/"),
              let definitions = root["$defs"] as? [String: Any],
              let target = definitions[String(reference.dropFirst("#/$defs/".count))] as? [String: Any] else { return schema }
        return target
    }

    private func validate(_ value: Any, against schema: [String: Any], path: String, into failures: inout [ValidationFailure]) {
        let schema = resolve(schema)
        for keyword in schema.keys where !Self.understood.contains(keyword) {
            failures.append(ValidationFailure(path: path, problem: "schema keyword '\(keyword)' is not supported by this validator"))
        }
        if let type = schema["type"] as? String, !matches(value, type: type) {
            failures.append(ValidationFailure(path: path, problem: "expected \(type), found \(describe(value))"))
            return
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { equal($0, value) }) {
            failures.append(ValidationFailure(path: path, problem: "\(value) is not one of \(allowed)"))
        }
        if let minimum = schema["minimum"] as? Double, let number = value as? NSNumber, number.doubleValue < minimum {
            failures.append(ValidationFailure(path: path, problem: "\(number) is below the minimum \(minimum)"))
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                failures.append(ValidationFailure(path: path, problem: "missing required '\(key)'"))
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, member) in object {
                if let propertySchema = properties[key] as? [String: Any] {
                    validate(member, against: propertySchema, path: path + "." + key, into: &failures)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    validate(member, against: additional, path: path + "." + key, into: &failures)
                } else if let allowed = schema["additionalProperties"] as? Bool, !allowed {
                    failures.append(ValidationFailure(path: path, problem: "unexpected property '\(key)'"))
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                validate(element, against: items, path: path + "[\(index)]", into: &failures)
            }
        }
    }

    /// JSONSerialization gives booleans as NSNumbers of C type `char`; JSON numbers never are.
    private func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return isBoolean(value)
        case "null": return value is NSNull
        case "number": return value is NSNumber && !isBoolean(value)
        case "integer":
            guard let number = value as? NSNumber, !isBoolean(value) else { return false }
            return number.doubleValue == number.doubleValue.rounded()
        default: return false
        }
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = a as? NSNumber, let b = b as? NSNumber { return a == b }
        return false
    }

    private func describe(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        default: return isBoolean(value) ? "a boolean" : "a number"
        }
    }
}
