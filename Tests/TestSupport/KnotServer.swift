import Foundation

/// A real authoritative server (Debian's knotd) serving one zone on
/// loopback, for tests that want a real upstream.
public final class KnotServer: @unchecked Sendable {
    public let address: String
    public let port: UInt16
    private let process: Process
    private let directory: URL

    /// Starts knotd with `zoneText` as the zone `origin`; waits until it answers on TCP.
    public init(origin: String, zoneText: String, address: String = "127.0.0.1") throws {
        guard let knotd = TestEnvironment.which("knotd") else {
            throw TestFailure("knotd not installed (apt-get install knot)")
        }
        self.address = address
        port = try FreePort.find(address: address)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("knot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try zoneText.write(to: directory.appendingPathComponent("zone"), atomically: true, encoding: .utf8)
        let config = """
            server:
                rundir: "\(directory.path)"
                listen: \(address)@\(port)
                udp-workers: 1
                tcp-workers: 1
                background-workers: 1
            database:
                storage: "\(directory.path)/db"
            log:
              - target: stderr
                any: warning
            zone:
              - domain: \(origin)
                storage: "\(directory.path)"
                file: "zone"
            """
        let configFile = directory.appendingPathComponent("knot.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: knotd)
        process.arguments = ["-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    /// "addr:port" for `--upstream`.
    public var endpoint: String { "\(address):\(port)" }

    /// Stops knotd (its pid only) and removes its files.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning { throw TestFailure("knotd exited with status \(process.terminationStatus)") }
            if (try? RawDNSClient.TCPConnection(address: address, port: port, timeout: 0.2)) != nil { return }
            usleep(50_000)
        }
        throw TestFailure("knotd did not start listening on \(address):\(port)")
    }
}
