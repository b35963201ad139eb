import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The control socket: a Unix stream socket every local user may connect
/// to (mode 0666); `ControlHandler` checks who connected before answering.
final class ControlServer: Sendable {
    let path: String
    private let channel: any Channel

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    /// Binds `path` (its directory created 0755 when missing, a stale socket replaced).
    /// - Throws: `ControlServerError` saying what failed.
    static func bind(path: String, environment: ControlHandler.Environment, group: any EventLoopGroup) async throws -> ControlServer {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw ControlServerError(path: path, reason: "cannot create the directory \(directory): \(error.localizedDescription)")
        }
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(ControlHandler(environment))
                    }
                }
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
                .get()
        } catch {
            throw ControlServerError(path: path, reason: "cannot listen: \(error)")
        }
        // Anyone may connect; only root and group pinhole get answers (SO_PEERCRED).
        chmod(path, 0o666)
        return ControlServer(path: path, channel: channel)
    }

    /// Stops listening, closes every connection's parent and removes the socket file.
    func close() async {
        try? await channel.close()
        unlink(path)
    }

    /// SO_PEERCRED of a connected Unix socket, with the peer's groups.
    @Sendable static func peerCredentials(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ControlErrorReply("not a socket"))
        }
        let raw: EventLoopFuture<PeerCredentials.Raw> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return raw.map { PeerCredentials($0) }
    }
}
