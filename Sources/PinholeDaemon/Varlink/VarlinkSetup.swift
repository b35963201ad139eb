import Attribution
import Dispatch
import Logging
import NIOCore
import PinholeCore

/// Starts the io.systemd.Resolve socket of `[varlink]`.
enum VarlinkSetup {
    /// The server, or nil when `[varlink]` is off or the socket cannot be
    /// set up (logged: DNS over UDP and TCP does not depend on it, and
    /// nss-resolve falls back to the next nsswitch source without it).
    /// `search` (nil when `[varlink]` is off) gives the search domains at each call.
    static func start(
        _ config: DaemonConfig, search: SearchDomainSource?, pipeline: any QueryHandler, group: any EventLoopGroup, logger: Logger
    ) async -> VarlinkServer? {
        guard config.varlink.enabled, let search else { return nil }
        let peers = PeerAttributor()
        let attributionEnabled = config.attribution.enabled
        let environment = VarlinkHandler.Environment(
            resolver: VarlinkResolver(pipeline: pipeline, search: { search.current }),
            attribute: { peer in
                attributionEnabled ? peers.attribution(pid: peer.pid, pidfd: peer.pidfd) : .unknown(.disabled)
            },
            attributionQueue: DispatchQueue(label: "pinhole.varlink.attribution"),
            logger: logger)
        do {
            let server = try await VarlinkServer.bind(path: config.varlink.socket, environment: environment, group: group)
            logger.info(
                "varlink io.systemd.Resolve listening",
                metadata: ["path": "\(config.varlink.socket)", "search": "\(search.current.joined(separator: " "))"])
            return server
        } catch {
            logger.error("\(error); programs resolving through nss-resolve fall back to the next nsswitch source")
            return nil
        }
    }
}
