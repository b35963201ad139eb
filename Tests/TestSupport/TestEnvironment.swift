#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine the tests run on.
public enum TestEnvironment {
    /// True when `PINHOLE_REQUIRE_E2E=1`: end-to-end tests must run, and a
    /// skip (no root, a missing tool) is a failure.
    public static var requireE2E: Bool {
        guard let value = getenv("PINHOLE_REQUIRE_E2E") else { return false }
        return String(cString: value) == "1"
    }

    /// The full path of executable `tool` found on PATH, or nil.
    /// A `tool` containing "/" is checked as given.
    public static func which(_ tool: String) -> String? {
        if tool.contains("/") { return access(tool, X_OK) == 0 ? tool : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                return candidate
            }
        }
        return nil
    }
}
