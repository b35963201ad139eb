import Foundation

/// Runs `systemctl`. The executable is replaceable (`--systemctl`, or the
/// environment variable `PINHOLE_SYSTEMCTL`), so tests run a recording stub
/// and never the machine's systemctl.
public struct Systemctl: Sendable {
    /// The environment variable naming the executable.
    public static let environmentVariable = "PINHOLE_SYSTEMCTL"

    public var executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// `option`, else `$PINHOLE_SYSTEMCTL`, else systemctl from /usr/bin or /bin.
    public static func resolve(option: String?) -> Systemctl {
        if let option { return Systemctl(executable: option) }
        if let variable = ProcessInfo.processInfo.environment[environmentVariable], !variable.isEmpty {
            return Systemctl(executable: variable)
        }
        let found = ["/usr/bin/systemctl", "/bin/systemctl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return Systemctl(executable: found ?? "/usr/bin/systemctl")
    }

    /// Runs systemctl with `arguments`; its exit status and output (stdout
    /// and stderr). A missing executable is status 127.
    public func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (127, "cannot run \(executable): \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `arguments` and throws when systemctl fails.
    public func check(_ arguments: [String]) throws(SystemResolverError) {
        let (status, output) = run(arguments)
        guard status == 0 else {
            throw SystemResolverError("`systemctl \(arguments.joined(separator: " "))` failed (exit \(status))\(output.isEmpty ? "" : ": \(output)")")
        }
    }

    /// `systemctl is-active UNIT` prints "active".
    public func isActive(_ unit: String) -> Bool {
        run(["is-active", unit]).output == "active"
    }

    /// `systemctl is-enabled UNIT` prints "enabled".
    public func isEnabled(_ unit: String) -> Bool {
        run(["is-enabled", unit]).output == "enabled"
    }
}
