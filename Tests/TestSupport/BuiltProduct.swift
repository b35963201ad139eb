import Foundation

/// Finds an executable this package builds, for tests that run it as a child process.
public enum BuiltProduct {
    /// `$<environmentVariable>` if set, else `name` next to the test bundle
    /// (or up to four folders up), else in .build/debug of the source tree.
    public static func find(_ name: String, environmentVariable: String) throws -> URL {
        if let override = ProcessInfo.processInfo.environment[environmentVariable] {
            return URL(fileURLWithPath: override)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fromSource = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/\(name)")
        if FileManager.default.isExecutableFile(atPath: fromSource.path) { return fromSource }
        throw TestFailure("\(name) binary not found next to \(CommandLine.arguments[0]); run `swift build` first or set \(environmentVariable)")
    }

    /// The built `pinhole-test-client` (or `$PINHOLE_TEST_CLIENT_BIN`).
    public static func testClient() throws -> URL {
        try find("pinhole-test-client", environmentVariable: "PINHOLE_TEST_CLIENT_BIN")
    }
}
