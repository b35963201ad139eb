import Foundation

/// The real `pinholed` binary running as a child process, for integration
/// tests. Always `stop()` it (or let `deinit` kill it): only its own pid is
/// signalled.
public final class DaemonProcess: @unchecked Sendable {
    public let process: Process
    /// Where its stderr (the log) goes.
    public let logFile: URL
    /// Holds the config file and the log; removed with this object.
    private let directory: URL
    public let listenAddress: String
    public let listenPort: UInt16
    /// The query-log database it writes (`--query-log`; in its temporary folder unless `arguments` name another).
    public let queryLogPath: String
    /// Its control socket (`--control-socket`; in its temporary folder unless `arguments` name another).
    public let controlSocketPath: String

    /// Starts `pinholed` listening on `address`:`port` (UDP and TCP), with
    /// `arguments` added, and waits until it logs that it is ready.
    /// - Parameter configText: written to a temporary file passed as
    ///   `--config`; nil writes an empty one (all defaults).
    /// - Parameter launcher: a command prefix that execs its last arguments
    ///   (e.g. `NamespaceSandbox.launcher(cgroup:)`), so the pid stays
    ///   pinholed's; empty runs pinholed directly.
    public init(
        address: String = "127.0.0.1", port: UInt16? = nil, upstreams: [String] = [], configText: String? = nil,
        arguments: [String] = [], waitForReady: Bool = true, launcher: [String] = []
    ) throws {
        let port = try port ?? FreePort.find(address: address)
        listenAddress = address
        listenPort = port
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pinholed-test-\(UUID().uuidString)")
        directory = dir
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        logFile = dir.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        var args: [String] = []
        // An empty file means all defaults; never the machine's /etc/pinhole.
        let configFile = dir.appendingPathComponent("pinhole.toml")
        try (configText ?? "").write(to: configFile, atomically: true, encoding: .utf8)
        args += ["--config", configFile.path]
        let hostPart = address.contains(":") ? "[\(address)]" : address
        args += ["--listen", "\(hostPart):\(port)", "--log-level", "debug"]
        for upstream in upstreams { args += ["--upstream", upstream] }
        // Never the machine's /var/lib/pinhole or /run/pinhole.
        func flag(_ name: String, default value: String) -> String {
            if let index = arguments.firstIndex(of: name), index + 1 < arguments.count { return arguments[index + 1] }
            args += [name, value]
            return value
        }
        queryLogPath = flag("--query-log", default: dir.appendingPathComponent("queries.sqlite").path)
        controlSocketPath = flag("--control-socket", default: dir.appendingPathComponent("control.sock").path)
        args += arguments

        process = Process()
        let binary = try DaemonProcess.binary()
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = launcher.dropFirst() + [binary.path] + args
        } else {
            process.executableURL = binary
            process.arguments = args
        }
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if waitForReady { try self.waitForReady() }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The log so far.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// "addr:port" as pinholed takes it for `--upstream`/`--listen`.
    public var endpoint: String {
        listenAddress.contains(":") ? "[\(listenAddress)]:\(listenPort)" : "\(listenAddress):\(listenPort)"
    }

    /// Waits until the log says "ready"; throws with the log when the process
    /// exits first or 20 s pass.
    public func waitForReady() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if log.contains("ready") { return }
            if !process.isRunning {
                throw TestFailure("pinholed exited with status \(process.terminationStatus) before ready:\n\(log)")
            }
            usleep(20_000)
        }
        throw TestFailure("pinholed did not become ready within 20 s:\n\(log)")
    }

    /// Waits up to `seconds` for the process to exit by itself; its status, or nil.
    public func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGTERM, then SIGKILL after 5 s; returns the exit status (nil if killed).
    @discardableResult
    public func stop() -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        if let status = waitForExit(seconds: 5) { return status }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return nil
    }

    /// The built `pinholed` next to the test bundle (or `$PINHOLED_BIN`).
    public static func binary() throws -> URL {
        try BuiltProduct.find("pinholed", environmentVariable: "PINHOLED_BIN")
    }
}
