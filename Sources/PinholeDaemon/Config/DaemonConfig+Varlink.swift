extension DaemonConfig {
    /// `[varlink]`: io.systemd.Resolve, the service glibc's nss-resolve calls
    /// instead of sending DNS packets (served when systemd-resolved is not).
    public struct Varlink: Sendable, Equatable {
        /// Whether pinholed serves the socket (`system-resolver enable --mode replace` turns it on).
        public var enabled = false
        /// The Unix stream socket; nss-resolve only knows this path.
        public var socket = Varlink.defaultSocket

        public static let defaultSocket = "/run/systemd/resolve/io.systemd.Resolve"

        public init(enabled: Bool = false, socket: String = Varlink.defaultSocket) {
            self.enabled = enabled
            self.socket = socket
        }
    }
}
