import Foundation
import Logging
import NIOCore
import NIOPosix
import PinholeCore
import Synchronization
import Testing
@testable import PinholeDaemon

#if canImport(Glibc)
import Glibc
#endif

/// The varlink server on a real Unix socket in a temporary directory: the
/// kernel's peer credentials (SO_PEERCRED, SO_PEERPIDFD) reach attribution,
/// the socket is world-connectable, and a path something still serves is
/// never taken over.
@Suite(.serialized) struct VarlinkServerTests {
    /// A blocking client: sends one message, reads one reply.
    static func call(_ path: String, _ message: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw VarlinkServerError(path: path, reason: "connect: errno \(errno)") }
        let bytes = Array(message.utf8) + [0]
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while reply.last != 0 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            reply += chunk[..<count]
        }
        return String(decoding: reply.dropLast(), as: UTF8.self)
    }

    static func environment() -> VarlinkHandler.Environment {
        VarlinkHandler.Environment(
            resolver: VarlinkResolver(pipeline: VarlinkProtocolTests.ScriptedPipeline(answer: VarlinkProtocolTests.upstreamAnswer)),
            attribute: { _ in .unknown(.exited) },
            attributionQueue: DispatchQueue(label: "test"), logger: Logger(label: "test"))
    }

    @Test func theKernelNamesThePeer() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/resolve/io.systemd.Resolve"
        let peers = PeerLog()
        var environment = Self.environment()
        environment.attribute = { peer in
            // Read while the connection (and so the pidfd) is open.
            let fdinfo = peer.pidfd.flatMap { try? String(contentsOfFile: "/proc/self/fdinfo/\($0)", encoding: .utf8) }
            peers.add(peer, fdinfo: fdinfo)
            return .unknown(.exited)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await VarlinkServer.bind(path: path, environment: environment, group: group)
        let reply = try Self.call(path, #"{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"a.example","family":2}}"#)
        #expect(reply.contains(#""address":[192,0,2,1]"#), "\(reply)")
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o666)
        let (peer, fdinfo) = try #require(peers.all.first)
        #expect(peer.pid == getpid() && peer.uid == getuid())
        #expect(peer.pidfd != nil || !Self.kernelHasPeerPidfd, "the kernel gives SO_PEERPIDFD but the server did not ask")
        if peer.pidfd != nil {
            // A pidfd of this very process (fdinfo's Pid:).
            #expect(fdinfo?.contains("Pid:\t\(getpid())\n") == true, "\(fdinfo ?? "no fdinfo")")
        }
        await server.close()
        #expect(access(path, F_OK) != 0, "the socket file is removed on close")
        try await group.shutdownGracefully()
    }

    @Test func aSocketSomethingStillServesIsNotTakenOver() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/io.systemd.Resolve"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = try await VarlinkServer.bind(path: path, environment: Self.environment(), group: group)
        await #expect(throws: VarlinkServerError.self) {
            _ = try await VarlinkServer.bind(path: path, environment: Self.environment(), group: group)
        }
        #expect(try Self.call(path, #"{"method":"org.varlink.service.GetInfo"}"#).contains("pinholed"))
        await first.close()
        // A stale socket file (no one listening) is replaced.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(stale)
        let second = try await VarlinkServer.bind(path: path, environment: Self.environment(), group: group)
        #expect(try Self.call(path, #"{"method":"org.varlink.service.GetInfo"}"#).contains("pinholed"))
        await second.close()
        try await group.shutdownGracefully()
    }

    /// systemd-resolved started again while pinholed still runs (disable of
    /// replace mode) unlinks pinholed's socket file and binds its own: when
    /// pinholed stops it must not remove resolved's socket.
    @Test func closingLeavesASocketAnotherProcessBoundSince() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/io.systemd.Resolve"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await VarlinkServer.bind(path: path, environment: Self.environment(), group: group)
        unlink(path)
        let other = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(other) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(other, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(bound == 0 && listen(other, 1) == 0)
        await server.close()
        var info = stat()
        // (FileManager.fileExists says false for a socket file.)
        #expect(lstat(path, &info) == 0, "pinholed removed the socket another process bound")
        // Its own socket file it does remove.
        unlink(path)
        let own = try await VarlinkServer.bind(path: path, environment: Self.environment(), group: group)
        #expect(lstat(path, &info) == 0)
        await own.close()
        #expect(lstat(path, &info) != 0 && errno == ENOENT)
        try await group.shutdownGracefully()
    }

    /// Whether this kernel gives SO_PEERPIDFD (6.5+), asked on a socketpair.
    static var kernelHasPeerPidfd: Bool {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return false }
        defer { close(pair[0]); close(pair[1]) }
        var pidfd: Int32 = -1
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(pair[0], SOL_SOCKET, VarlinkPeer.peerPidfdOption, &pidfd, &size) == 0 else { return false }
        close(pidfd)
        return true
    }

    final class PeerLog: Sendable {
        private let peers = Mutex<[(VarlinkPeer, String?)]>([])
        func add(_ peer: VarlinkPeer, fdinfo: String?) { peers.withLock { $0.append((peer, fdinfo)) } }
        var all: [(VarlinkPeer, String?)] { peers.withLock { $0 } }
    }
}
