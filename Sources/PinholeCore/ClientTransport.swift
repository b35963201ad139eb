/// How a query reached pinholed.
public enum ClientTransport: String, Sendable, Hashable {
    case udp
    case tcp
}
