/// One process in a parent chain.
public struct ProcessAncestor: Sendable, Hashable {
    public var pid: Int32
    /// The kernel's short name (/proc/PID/comm, at most 15 bytes).
    public var name: String

    public init(pid: Int32, name: String) {
        self.pid = pid
        self.name = name
    }
}
