/// The control socket could not be used: what failed, and where.
public struct ControlClientError: Error, CustomStringConvertible, Sendable {
    /// The socket path.
    public var path: String
    /// What went wrong ("permission denied", "no such file (is pinholed running?)").
    public var reason: String
    /// True when pinholed answered with an error (`{"error":…}`), not a transport failure.
    public var fromDaemon: Bool

    public init(path: String, reason: String, fromDaemon: Bool = false) {
        self.path = path
        self.reason = reason
        self.fromDaemon = fromDaemon
    }

    public var description: String { "control socket \(path): \(reason)" }
}
