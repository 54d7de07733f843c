import Foundation
import Testing
@testable import GuestKernel

/// Where the guest images are looked up: SwiftPM's accessor stops the process when the resources
/// are neither beside the executable nor in the build folder; the lookup here throws instead.
@Suite struct GuestImageLocationTests {
    @Test func theBuiltImagesAreFound() throws {
        for name in [GuestKernel.ImageName.harness, .selfTest] {
            let url = try GuestKernel.imageURL(name)
            #expect(url.lastPathComponent == name.rawValue + ".elf" && FileManager.default.fileExists(atPath: url.path))
        }
    }

    /// The candidates: beside the running executable first, then this configuration's build folder
    /// of the package, and no other configuration's.
    @Test func candidatesAreBesideTheExecutableThenThisConfigurationsBuildFolder() throws {
        let folders = GuestKernel.resourceFolderCandidates().map(\.path)
        #expect(folders.first == Bundle.main.bundleURL.appending(path: GuestKernel.resourceFolderName).path)
        #expect(folders.allSatisfy { $0.hasSuffix("/" + GuestKernel.resourceFolderName) })
        #if DEBUG
        let other = "/.build/release/"
        #else
        let other = "/.build/debug/"
        #endif
        #expect(!folders.contains { $0.contains(other) }, "\(folders)")
    }

    @Test func aMissingImageIsAnErrorNamingWhereItLooked() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/\(GuestKernel.resourceFolderName)")
        #expect {
            _ = try GuestKernel.imageURL(.harness, in: [nowhere])
        } throws: { error in
            let text = "\(error)"
            return text.contains("guest.elf") && text.contains(nowhere.path) && text.contains("beside it")
        }
    }
}
