import Foundation

/// A program started in a `NamespaceSandbox`: `pid` is the program's own pid
/// (the launcher execs it), and its stdout and stderr go to files read on
/// demand. The sandbox kills it at shutdown if it is still running.
public final class SandboxProcess: @unchecked Sendable {
    /// The program's pid (as the host and the sandbox both see it: no pid namespace).
    public let pid: pid_t
    /// Its cgroup, relative to the sandbox root ("app-a.scope"; "" is the root).
    public let cgroup: String
    let process: Process
    private let stdoutFile: URL
    private let stderrFile: URL

    init(process: Process, cgroup: String, stdoutFile: URL, stderrFile: URL) {
        self.process = process
        self.pid = process.processIdentifier
        self.cgroup = cgroup
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }

    /// Everything it printed on stdout so far.
    public var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }

    /// Everything it printed on stderr so far.
    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    public var isRunning: Bool { process.isRunning }

    /// The complete stdout lines that parse as JSON objects (the test client's events).
    public var events: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// The events whose `"event"` is `name`.
    public func events(named name: String) -> [[String: Any]] {
        events.filter { $0["event"] as? String == name }
    }

    /// Waits up to `seconds` for an event named `name`; throws with the
    /// output when it does not come or the process exits without it.
    @discardableResult
    public func waitForEvent(_ name: String, seconds: Double = 10) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let event = events(named: name).first { return event }
            let running = process.isRunning
            if !running || Date() > deadline {
                // One more look: the line may have landed just before the exit.
                if let event = events(named: name).first { return event }
                throw TestFailure("pid \(pid) in \(cgroup.isEmpty ? "/" : cgroup): no \"\(name)\" event "
                    + (running ? "within \(seconds) s" : "before it exited with status \(process.terminationStatus)")
                    + "\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
            }
            usleep(10_000)
        }
    }

    /// Waits up to `seconds` for the process to exit; its status, or nil if
    /// still running.
    public func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Sends `signal` to this pid only.
    public func signal(_ signal: Int32) {
        if process.isRunning { Glibc.kill(pid, signal) }
    }

    /// SIGKILL and wait until it is gone.
    public func kill() {
        if process.isRunning { Glibc.kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
