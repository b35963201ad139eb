import Foundation
import Glibc

/// A real child process for the tests: started with posix_spawn (our pid is
/// its parent), stopped by pid and reaped.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments`.
    init(_ executable: String, _ arguments: [String], stdin: Pipe? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        if let stdin { process.standardInput = stdin }
        try process.run()
    }

    /// A python3 child that binds a UDP socket on loopback, prints its fd
    /// number and sleeps; `extra` runs before the print.
    static func udpSocketHolder(extra: String = "") throws -> (child: ChildProcess, fd: Int32) {
        let script = """
        import socket, time, os
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        \(extra)
        print(s.fileno(), flush=True)
        time.sleep(60)
        """
        let child = try ChildProcess("/usr/bin/python3", ["-c", script])
        guard let line = child.readLine(), let fd = Int32(line) else {
            child.stop()
            throw TestError("python3 child printed no fd number")
        }
        return (child, fd)
    }

    /// The next line the child printed.
    func readLine() -> String? {
        var bytes: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// Kills the child (by its pid) and waits until it is reaped.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A test precondition that did not hold.
struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The inode of the socket at `fd` in process `pid`.
func socketInode(pid: Int32, fd: Int32) throws -> UInt64 {
    var info = stat()
    guard stat("/proc/\(pid)/fd/\(fd)", &info) == 0 else { throw TestError("stat /proc/\(pid)/fd/\(fd): errno \(errno)") }
    return UInt64(info.st_ino)
}

/// Waits until `condition` holds or `seconds` pass.
func waitUntil(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
