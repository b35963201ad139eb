import Attribution
import Foundation
import Glibc
import PinholeCore
import Testing

/// `PeerAttributor` with real pidfds from SO_PEERPIDFD (kernel 6.5+): the
/// caller is read only while the pidfd still names its pid.
@Suite struct PeerAttributorTests {
    static let peerPidfd: Int32 = 77

    /// A Unix socket in the abstract namespace that a python3 child connects
    /// to; returns the child and SO_PEERCRED's pid and SO_PEERPIDFD of the accepted connection.
    static func connectedChild() throws -> (child: ChildProcess, pid: Int32, pidfd: Int32?, connection: Int32) {
        let name = "pinhole-peer-test-\(UUID().uuidString)"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [UInt8(0)] + Array(name.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 1) == 0 else { throw TestError("bind/listen: \(String(cString: strerror(errno)))") }
        let script = """
        import socket, time
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("\\0\(name)")
        print("connected", flush=True)
        time.sleep(60)
        """
        let child = try ChildProcess("/usr/bin/python3", ["-c", script])
        guard child.readLine() == "connected" else { throw TestError("the python3 child did not connect") }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { throw TestError("accept: \(String(cString: strerror(errno)))") }
        // struct ucred (Glibc's module leaves it out).
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var size = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0 else { throw TestError("SO_PEERCRED failed") }
        var pidfd: Int32 = -1
        size = socklen_t(MemoryLayout<Int32>.size)
        let hasPidfd = getsockopt(connection, SOL_SOCKET, peerPidfd, &pidfd, &size) == 0
        return (child, credentials.pid, hasPidfd ? pidfd : nil, connection)
    }

    @Test func theConnectedProcessIsAttributedWhileItRuns() throws {
        let (child, pid, pidfd, connection) = try Self.connectedChild()
        defer { close(connection); if let pidfd { close(pidfd) } }
        #expect(pid == child.pid)
        let attribution = PeerAttributor().attribution(pid: pid, pidfd: pidfd)
        let app = try #require(attribution.app, "\(attribution)")
        #expect(app.pid == child.pid && app.executable.contains("python3") && app.commandLine.first?.hasSuffix("python3") == true)
        child.stop()
    }

    @Test func anExitedPeerIsUnknownThoughItsPidWasGiven() throws {
        let (child, pid, pidfd, connection) = try Self.connectedChild()
        defer { close(connection); if let pidfd { close(pidfd) } }
        let fd = try #require(pidfd, "this kernel has no SO_PEERPIDFD")
        child.stop()
        // The pid is free now; the pidfd says so (fdinfo Pid: -1) before any /proc read.
        #expect(PeerAttributor().attribution(pid: pid, pidfd: fd) == .unknown(.exited))
    }

    @Test func aPidfdOfAnotherProcessIsRejected() throws {
        let (child, _, pidfd, connection) = try Self.connectedChild()
        defer { close(connection); if let pidfd { close(pidfd) }; child.stop() }
        let fd = try #require(pidfd, "this kernel has no SO_PEERPIDFD")
        // As if the pid had been reused by another process (ours): the pidfd names the child, not us.
        #expect(PeerAttributor().attribution(pid: getpid(), pidfd: fd) == .unknown(.exited))
        #expect(PeerAttributor().attribution(pid: getpid(), pidfd: nil).app?.pid == getpid())
    }
}
