import Foundation
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The io.systemd.Resolve socket: a Unix stream socket anyone may connect
/// to (mode 0666, like systemd-resolved's), each connection answered by a
/// `VarlinkHandler`; at most `maxConnections` at once, each closed after
/// `idleTimeout` without a call.
final class VarlinkServer: Sendable {
    let path: String
    private let channel: any Channel

    static let maxConnections = 256
    static let idleTimeout = TimeAmount.seconds(30)
    static let backlog: Int32 = 256

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    /// Binds `path` (its directory created 0755 when missing). A stale
    /// socket file is replaced, but never one something still answers on
    /// (systemd-resolved running).
    /// - Throws: `VarlinkServerError` saying what failed.
    static func bind(
        path: String, environment: VarlinkHandler.Environment, group: any EventLoopGroup,
        maxConnections: Int = maxConnections, idleTimeout: TimeAmount = idleTimeout
    ) async throws -> VarlinkServer {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw VarlinkServerError(path: path, reason: "cannot create the directory \(directory): \(error.localizedDescription)")
        }
        if UnixSocketProbe.isServed(path) {
            throw VarlinkServerError(path: path, reason: "another process serves it (is systemd-resolved running? stop it first)")
        }
        let fd = try UnixSocketFile.bind(path: path)
        let limiter = ConnectionLimiter(limit: maxConnections)
        let logger = environment.logger
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: backlog)
                .childChannelInitializer { child in
                    guard limiter.acquire() else {
                        logger.warning("varlink connection refused: limit reached", metadata: ["limit": "\(limiter.limit)"])
                        return child.close()
                    }
                    child.closeFuture.whenComplete { _ in limiter.release() }
                    return child.eventLoop.makeCompletedFuture {
                        let sync = child.pipeline.syncOperations
                        try sync.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                        try sync.addHandler(ByteToMessageHandler(VarlinkFrameDecoder()))
                        try sync.addHandler(VarlinkHandler(environment))
                    }
                }
                .withBoundSocket(fd)
                .get()
        } catch {
            unlink(path)
            throw VarlinkServerError(path: path, reason: "cannot listen: \(error)")
        }
        // NIO listens on an adopted socket with its default backlog (128) and
        // only records the option: listen again with ours (Linux updates it).
        listen(fd, backlog)
        // Every program resolves names: anyone may connect (attribution, not
        // permission, is what the peer's credentials are for).
        chmod(path, 0o666)
        return VarlinkServer(path: path, channel: channel)
    }

    /// Stops listening and removes the socket file, unless another process
    /// answers on it by now (systemd-resolved started again by
    /// `system-resolver disable` while pinholed still ran took the path over).
    /// (An inode comparison would not do: a freed inode number is soon reused.)
    func close() async {
        try? await channel.close()
        if !UnixSocketProbe.isServed(path) { unlink(path) }
    }
}
