import Foundation

/// The package's folder, for tests that read its sources, suites or build products.
public enum PackageRoot {
    /// This file is `Tests/TestSupport/PackageRoot.swift`: three folders up.
    public static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
