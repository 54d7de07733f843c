import Foundation

/// The LLVM tools of the Swift toolchain that builds this package: clang, ld.lld and llvm-objdump.
///
/// They are looked up next to the `swift` executable first (so the tests use the same clang as the
/// guest build plugin), then on `PATH`. `PROBEBENCH_TOOLCHAIN_BIN` names a folder to use instead.
public struct Toolchain: Sendable {
    public let clang: URL
    public let lld: URL
    /// llvm-objdump, for listings in failure reports; optional because nothing depends on it.
    public let objdump: URL?

    /// The toolchain found on this host, or nil with the reason in `Toolchain.missingReason`.
    public static let shared: Toolchain? = locate()

    /// Why `shared` is nil, for skip messages.
    public static var missingReason: String {
        "clang and ld.lld were not found next to the swift executable, in $PROBEBENCH_TOOLCHAIN_BIN or on PATH"
    }

    static func locate() -> Toolchain? {
        var folders: [URL] = []
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["PROBEBENCH_TOOLCHAIN_BIN"], !override.isEmpty {
            folders.append(URL(fileURLWithPath: override))
        }
        if let swift = ExecutableSearch.find("swift") {
            folders.append(swift.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for folder in folders {
            let clang = folder.appending(path: "clang"), lld = folder.appending(path: "ld.lld")
            if ExecutableSearch.isExecutable(clang) && ExecutableSearch.isExecutable(lld) {
                let objdump = folder.appending(path: "llvm-objdump")
                return Toolchain(clang: clang, lld: lld,
                                 objdump: ExecutableSearch.isExecutable(objdump) ? objdump : ExecutableSearch.find("llvm-objdump"))
            }
        }
        guard let clang = ExecutableSearch.find("clang"), let lld = ExecutableSearch.find("ld.lld") else { return nil }
        return Toolchain(clang: clang, lld: lld, objdump: ExecutableSearch.find("llvm-objdump"))
    }
}

/// The QEMU binaries the differential tests compare against.
public enum ReferenceEmulator {
    /// `qemu-aarch64` (user mode), from `$PROBEBENCH_QEMU_USER`, /usr/bin or PATH.
    public static let user: URL? = locate("qemu-aarch64", override: "PROBEBENCH_QEMU_USER")
    /// `qemu-system-aarch64`, from `$PROBEBENCH_QEMU_SYSTEM`, /usr/bin or PATH.
    public static let system: URL? = locate("qemu-system-aarch64", override: "PROBEBENCH_QEMU_SYSTEM")

    static func locate(_ name: String, override: String) -> URL? {
        if let path = ProcessInfo.processInfo.environment[override], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            return ExecutableSearch.isExecutable(url) ? url : nil
        }
        let standard = URL(fileURLWithPath: "/usr/bin/" + name)
        return ExecutableSearch.isExecutable(standard) ? standard : ExecutableSearch.find(name)
    }
}

/// Finds executables on `PATH`.
public enum ExecutableSearch {
    /// The first executable file called `name` in a `PATH` folder.
    public static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appending(path: name)
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `url` is an executable file (not a folder).
    public static func isExecutable(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }
}
