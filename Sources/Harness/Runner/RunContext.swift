import Foundation

/// Facts about the host and the checkout that a run records.
public enum RunContext {
    /// `yyyyMMdd'T'HHmmss'Z'` for `date`, in UTC.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    public static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// The short commit of the checkout in `directory`, with `-dirty` if it has local changes,
    /// or `unversioned` outside a git checkout.
    public static func commit(in directory: URL) -> String {
        guard let hash = git(["rev-parse", "--short=12", "HEAD"], in: directory), !hash.isEmpty else { return "unversioned" }
        let status = git(["status", "--porcelain", "--untracked-files=no"], in: directory) ?? ""
        return status.isEmpty ? hash : hash + "-dirty"
    }

    private static func git(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static var compilerVersion: String {
        #if compiler(>=6.4)
        return "Swift 6.4 or later"
        #elseif compiler(>=6.3)
        return "Swift 6.3"
        #else
        return "Swift 6.1–6.2"
        #endif
    }

    /// Peak resident memory of this process so far, in bytes.
    public static var peakResidentBytes: UInt64 {
        var usage = rusage()
        #if os(Linux)
        // VmHWM, not getrusage: Linux keeps ru_maxrss across execve, so under `swift run bench` it
        // reported the larger peak of the swift-run process that exec'd bench (123 MB for 45 MB).
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let peak = peakResidentBytes(procStatus: status) {
            return peak
        }
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return UInt64(usage.ru_maxrss) * 1024 // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return UInt64(usage.ru_maxrss) // bytes on Darwin
        #endif
    }

    /// The `VmHWM` line of a `/proc/<pid>/status` text, in bytes.
    static func peakResidentBytes(procStatus: String) -> UInt64? {
        for line in procStatus.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[2] == "kB", let kilobytes = UInt64(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    public static func environment(guestDigest: String, libdwProblem: String?) -> EnvironmentInfo {
        let info = ProcessInfo.processInfo
        return EnvironmentInfo(hostName: info.hostName, hostOS: info.operatingSystemVersionString,
                               hostProcessorCount: info.activeProcessorCount, swiftVersion: compilerVersion,
                               guestImageSHA256: guestDigest, libdw: libdwProblem.map { "unavailable: \($0)" } ?? "available",
                               hostProcessor: hostProcessor)
    }

    /// The host's processor model, as `/proc/cpuinfo` names it, or nil where it is not known.
    ///
    /// Virtual machines often share one host name ("vm") whatever hardware they land on, and the
    /// emulator's speed differs by more than twice between processor models, so host throughput is
    /// only comparable between runs on the same model.
    public static var hostProcessor: String? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return hostProcessor(cpuinfo: text)
        #else
        return nil
        #endif
    }

    /// The processor model of a `/proc/cpuinfo` text's first processor: on x86 its model name with
    /// vendor, family, model and stepping (`AMD EPYC (AuthenticAMD family 25 model 1 stepping 1)`),
    /// on Arm its implementer, part, variant and revision; nil when the text names neither.
    static func hostProcessor(cpuinfo: String) -> String? {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            // The first processor's block ends at the first blank line.
            if line.allSatisfy(\.isWhitespace) { if fields.isEmpty { continue } else { break } }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = value }
        }
        if let vendor = fields["vendor_id"], let family = fields["cpu family"], let model = fields["model"] {
            let identity = "\(vendor) family \(family) model \(model)" + (fields["stepping"].map { " stepping \($0)" } ?? "")
            guard let name = fields["model name"], !name.isEmpty else { return identity }
            return "\(name) (\(identity))"
        }
        if let implementer = fields["CPU implementer"], let part = fields["CPU part"] {
            var identity = "Arm implementer \(implementer) part \(part)"
            if let variant = fields["CPU variant"] { identity += " variant \(variant)" }
            if let revision = fields["CPU revision"] { identity += " revision \(revision)" }
            return identity
        }
        return nil
    }
}
