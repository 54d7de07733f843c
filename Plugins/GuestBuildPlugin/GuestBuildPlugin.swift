import Foundation
import PackagePlugin

/// Builds the guest kernel images from `Sources/<target>/Guest/` with the toolchain's clang and ld.lld.
///
/// The guest folder holds a `build.json` manifest naming each image's source folders, flags and
/// linker script. Each image is one clang driver invocation that compiles its sources and links
/// them with the toolchain's ld.lld (`--ld-path`), so the only outputs SwiftPM sees are the
/// `<image>.elf` files, which become the target's resources. Objects never reach the bundle.
@main
struct GuestBuildPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let guestDirectory = target.directoryURL.appending(path: "Guest")
        let manifestURL = guestDirectory.appending(path: "build.json")
        let manifest = try GuestManifest.load(from: manifestURL)
        let clang = try context.tool(named: "clang").url
        let lld = try context.tool(named: "ld.lld").url
        let imageRoot = context.pluginWorkDirectoryURL.appending(path: "images")
        let headers = try manifest.headerFiles(in: guestDirectory)

        return try manifest.images.sorted(by: { $0.key < $1.key }).map { imageName, image in
            let sources = try image.sourceFiles(in: guestDirectory)
            guard !sources.isEmpty else {
                throw GuestManifestError("image '\(imageName)' has no .c or .S sources")
            }
            let script = guestDirectory.appending(path: image.linkerScript)
            let output = imageRoot.appending(path: imageName + ".elf")
            let includes = manifest.includeDirectories.map { "-I" + guestDirectory.appending(path: $0).path }
            // Paths in the image (DWARF names, the compilation folder) relative to the guest folder,
            // so its bytes and SHA-256 do not depend on where the package is checked out.
            let relocatable = ["-ffile-prefix-map=" + guestDirectory.path + "=Guest", "-fdebug-compilation-dir=Guest"]
            let arguments = manifest.compileFlags + image.flags + includes + relocatable
                + ["--ld-path=" + lld.path, "-Wl,-T," + script.path]
                + manifest.linkFlags.map { "-Wl," + $0 }
                + ["-o", output.path] + sources.map(\.path)
            return .buildCommand(
                displayName: "Building guest image \(imageName).elf",
                executable: clang,
                arguments: arguments,
                inputFiles: sources + headers + [script, manifestURL],
                outputFiles: [output])
        }
    }
}

/// The guest's `build.json`: shared flags, include folders and the images to build.
struct GuestManifest: Decodable {
    /// An ELF image: its source folders, extra flags and linker script.
    struct Image: Decodable {
        var directories: [String]
        var flags: [String]
        var linkerScript: String

        func sourceFiles(in root: URL) throws -> [URL] {
            try directories.flatMap { directory -> [URL] in
                let folder = root.appending(path: directory)
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                } catch {
                    throw GuestManifestError("guest source folder \(folder.path) cannot be read")
                }
                return names.sorted()
                    .filter { $0.hasSuffix(".c") || $0.hasSuffix(".S") }
                    .map { folder.appending(path: $0) }
            }
        }
    }

    var compileFlags: [String]
    var linkFlags: [String]
    var includeDirectories: [String]
    var images: [String: Image]

    static func load(from url: URL) throws -> GuestManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GuestManifestError("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(GuestManifest.self, from: data)
        } catch {
            throw GuestManifestError("\(url.path) is not a valid guest manifest: \(error)")
        }
    }

    /// Every header under the include folders, so that editing one rebuilds the images.
    func headerFiles(in root: URL) throws -> [URL] {
        var headers: [URL] = []
        for directory in includeDirectories {
            let folder = root.appending(path: directory)
            guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let name as String in enumerator where name.hasSuffix(".h") {
                headers.append(folder.appending(path: name))
            }
        }
        return headers.sorted { $0.path < $1.path }
    }
}

struct GuestManifestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
