/// Why a query went to the app `unknown` instead of a process.
public enum UnattributedReason: String, Sendable, Hashable {
    /// The client's socket or process was gone before it could be looked up.
    case exited
    /// The socket exists but no visible process holds it (another pid
    /// namespace, a hidden /proc), or the socket table could not be asked.
    case noSocket = "no-socket"
    /// The query came from an address that is not this host's.
    case remote
    /// The kernel refused to show the socket or the process (not root, hidepid).
    case permission
    /// Attribution is switched off in the configuration.
    case disabled
}
