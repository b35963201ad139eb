/// How a query reached pinholed.
public enum ClientTransport: String, Sendable, Hashable {
    case udp
    case tcp
    /// A call of io.systemd.Resolve on the varlink socket (glibc's
    /// nss-resolve); attributed by the socket's peer credentials.
    case varlink
}
