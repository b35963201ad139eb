/// The control socket could not be used: what failed, and where.
public struct ControlClientError: Error, CustomStringConvertible, Sendable {
    /// The socket path.
    public var path: String
    /// What went wrong ("permission denied", "no such file (is pinholed running?)").
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "control socket \(path): \(reason)" }
}
