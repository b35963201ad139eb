/// A GetInfo call on a varlink socket failed: where, and why.
public struct VarlinkInfoError: Error, CustomStringConvertible, Sendable {
    /// The socket path.
    public var path: String
    /// What failed ("connect: No such file or directory", "no reply within 2 seconds").
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "varlink socket \(path): \(reason)" }
}
