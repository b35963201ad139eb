/// One file `system-resolver enable` writes, replaces or removes.
public struct FileChange: Sendable, Equatable {
    /// What becomes of the file.
    public enum Action: Sendable, Equatable {
        /// A regular file with these bytes and permission bits.
        case write(String, mode: UInt32)
    }

    /// The absolute path on the target system ("/etc/resolv.conf").
    public var path: String
    public var action: Action
    /// Why, for the plan.
    public var reason: String

    public init(path: String, action: Action, reason: String) {
        self.path = path
        self.action = action
        self.reason = reason
    }

    /// The new bytes.
    public var contents: String {
        switch action {
        case .write(let text, _): return text
        }
    }

    /// The new permission bits.
    public var mode: UInt32 {
        switch action {
        case .write(_, let mode): return mode
        }
    }
}
