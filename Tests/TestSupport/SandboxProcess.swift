import Foundation

/// A program started in a `NamespaceSandbox`: `pid` is the program's own pid
/// (the launcher execs it), and its stdout and stderr go to files read on
/// demand. It is this test process's child and is reaped here; the sandbox
/// kills it at shutdown if it is still running.
public final class SandboxProcess: @unchecked Sendable {
    /// The program's pid (the host and the sandbox see the same: no pid namespace).
    public let pid: pid_t
    /// Its cgroup, relative to the sandbox root ("app-a.scope"; "" is the root).
    public let cgroup: String
    private let stdoutFile: URL
    private let stderrFile: URL
    /// The wait status once reaped.
    private let reaped = Locked<Int32?>(nil)

    init(pid: pid_t, cgroup: String, stdoutFile: URL, stderrFile: URL) {
        self.pid = pid
        self.cgroup = cgroup
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }

    deinit {
        if isRunning { Glibc.kill(pid, SIGKILL) }
        _ = reap(blocking: true)
    }

    /// Everything it printed on stdout so far.
    public var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }

    /// Everything it printed on stderr so far.
    public var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// False once the program has exited (it is reaped then).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Its exit status, 128 + the signal if a signal ended it, or nil while it runs.
    public var terminationStatus: Int32? {
        reap(blocking: false).map { status in
            // WIFEXITED/WEXITSTATUS/WTERMSIG are macros: low 7 bits = signal, 0 if it exited.
            status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        }
    }

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
            let running = isRunning
            // Read after the liveness check: a line printed just before exit still counts.
            if let event = events(named: name).first { return event }
            if !running || Date() > deadline {
                throw TestFailure("pid \(pid) in /\(cgroup): no \"\(name)\" event "
                    + (running ? "within \(seconds) s" : "before it exited with status \(terminationStatus ?? -1)")
                    + "\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
            }
            usleep(5_000)
        }
    }

    /// Waits up to `seconds` for the program to exit; `terminationStatus`,
    /// or nil if it still runs.
    public func waitForExit(seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(2_000) }
        return terminationStatus
    }

    /// Sends `signal` to this pid only (nothing once it has been reaped).
    public func signal(_ signal: Int32) {
        if isRunning { Glibc.kill(pid, signal) }
    }

    /// SIGKILL and wait until it is gone.
    public func kill() {
        signal(SIGKILL)
        _ = reap(blocking: true)
    }

    /// The wait status, reaping the child if it has exited; nil while it runs.
    private func reap(blocking: Bool) -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            while true {
                let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
                if result == pid {
                    reaped = status
                    return status
                }
                if result < 0 && errno == EINTR { continue }
                // 0: still running; ECHILD: someone else reaped it, so it is gone.
                if result < 0 { reaped = 0 }
                return reaped
            }
        }
    }
}
