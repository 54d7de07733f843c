import Foundation

/// Why a JSON file could not be decoded, and where: the field's path for a value of the wrong
/// shape, the line and column for text that is not JSON at all.
public enum JSONProblem {
    /// `error` (thrown by decoding `data`) in words that name the place.
    public static func describe(_ error: Error, in data: Data) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing field '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(let type, let context)?:
            return "\(path(context.codingPath)) should be \(name(of: type)) (\(context.debugDescription))"
        case .valueNotFound(let type, let context)?:
            return "\(path(context.codingPath)) should be \(name(of: type)), found null"
        case .dataCorrupted(let context)?:
            // A value the decoder rejected (e.g. an unknown enum case) has a path; bad syntax has none.
            if !context.codingPath.isEmpty { return "\(path(context.codingPath)): \(context.debugDescription)" }
            return syntaxProblem(in: data)
        default:
            return error.localizedDescription
        }
    }

    /// Why reading or writing `url` failed (`error`), in the system's words rather than a
    /// Foundation error dump: a folder or a device in the way is named as such.
    public static func fileProblem(at url: URL, _ error: Error) -> String {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
           let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            return type == .typeDirectory ? "it is a folder, not a file" : "it is not a regular file"
        }
        // (The underlying error bridges through `Error`; a direct cast of the Any to NSError fails on Linux.)
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return error.localizedDescription
    }

    /// A field path such as `scaling[0].points[3].x`.
    public static func path(_ keys: [CodingKey]) -> String {
        guard !keys.isEmpty else { return "the top level" }
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type, is UInt32.Type: "a whole number"
        default: String(describing: type).hasPrefix("Dictionary") ? "an object"
            : String(describing: type).hasPrefix("Array") ? "an array" : String(describing: type)
        }
    }

    /// Where the text stops being JSON. JSONDecoder says only that it is not; JSONSerialization
    /// says at which character, which becomes a line and column.
    private static func syntaxProblem(in data: Data) -> String {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "not valid JSON"
        } catch {
            detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        }
        if detail.lowercased().contains("end of file") {
            return "not valid JSON: it ends at \(place(data.count, in: data)) before the JSON is complete"
        }
        guard let marker = detail.range(of: "around character "),
              let offset = Int(detail[marker.upperBound...].prefix(while: \.isNumber)) else {
            return "not valid JSON: \(detail)"
        }
        let reason = detail[..<marker.lowerBound].trimmingCharacters(in: .whitespaces)
        return "not valid JSON at \(place(offset, in: data))" + (reason.isEmpty ? "" : ": \(reason.lowercased())")
    }

    /// "line L, column C" of byte `offset` (0-based) of `data`.
    private static func place(_ offset: Int, in data: Data) -> String {
        let before = data.prefix(offset)
        let line = before.count(where: { $0 == 0x0A }) + 1
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 - before.startIndex + 1 } ?? 0) + 1
        return "line \(line), column \(column)"
    }
}
