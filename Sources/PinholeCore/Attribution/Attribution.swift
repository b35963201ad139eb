/// The answer to "which program sent this query?": a process, or the app
/// `unknown` with the reason. Never a guess.
public struct Attribution: Sendable, Hashable {
    /// App key of queries that could not be attributed.
    public static let unknownKey = "unknown"

    /// The process, when one was found.
    public var app: AppIdentity?
    /// Why there is no process; nil when `app` is set.
    public var reason: UnattributedReason?
    /// The client socket, when the kernel showed it (also for some unknowns:
    /// a socket whose holder exited still has a uid and cgroup).
    public var socket: SocketOwner?

    /// A query sent by `app` through `socket`.
    public static func attributed(_ app: AppIdentity, socket: SocketOwner?) -> Attribution {
        Attribution(app: app, reason: nil, socket: socket)
    }

    /// A query no process could be found for.
    public static func unknown(_ reason: UnattributedReason, socket: SocketOwner? = nil) -> Attribution {
        Attribution(app: nil, reason: reason, socket: socket)
    }

    /// The app key policy and the log use: the app's, or "unknown".
    public var appKey: String { app?.key ?? Attribution.unknownKey }
}
