import Foundation

extension GuestKernel {
    /// The folder SwiftPM copies the target's resources (the guest images) into, beside the
    /// executables of a build.
    static let resourceFolderName = "ProbeBench_GuestKernel.resources"

    /// The URL of a bundled guest image.
    ///
    /// Looked up where SwiftPM puts the resources on Linux — beside the running executable — and,
    /// for a process started from elsewhere, in this configuration's build folder of the package
    /// this module was compiled from. SwiftPM's own accessor (`Bundle.module`) stops the process when neither
    /// holds the bundle, as after copying `bench` away and deleting the build folder; here that is
    /// an error naming where it looked.
    public static func imageURL(_ name: ImageName) throws -> URL {
        #if os(Linux)
        return try imageURL(name, in: resourceFolderCandidates())
        #else
        guard let url = Bundle.module.url(forResource: name.rawValue, withExtension: "elf") else {
            throw GuestError.imageMissing(name.rawValue + ".elf")
        }
        return url
        #endif
    }

    /// The image in the first of `folders` that holds it; an error naming every folder otherwise.
    static func imageURL(_ name: ImageName, in folders: [URL]) throws -> URL {
        let file = name.rawValue + ".elf"
        if let url = folders.map({ $0.appending(path: file) }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            return url
        }
        throw GuestError.imageMissing(file + " (looked in " + folders.map(\.path).joined(separator: ", ") + ")")
    }

    /// Where the resource folder may be: beside the main executable (what SwiftPM's accessor tries
    /// first), then in this build configuration's folder of the package's default build folder,
    /// found from this source file's path at compile time (what the accessor falls back on). Never
    /// another configuration's: its images may be of another commit.
    static func resourceFolderCandidates(sourceFile: String = #filePath) -> [URL] {
        var folders = [Bundle.main.bundleURL.appending(path: resourceFolderName)]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            folders.append(executable.deletingLastPathComponent().appending(path: resourceFolderName))
        }
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        // Sources/GuestKernel/<this file> -> the package root -> .build/<configuration> (SwiftPM's
        // link to <triple>/<configuration>).
        let root = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        folders.append(root.appending(path: ".build").appending(path: configuration).appending(path: resourceFolderName))
        var seen = Set<String>()
        return folders.filter { seen.insert($0.standardizedFileURL.resolvingSymlinksInPath().path).inserted }
    }
}
