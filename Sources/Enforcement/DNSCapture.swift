import PinholeCore

/// Where the `nat_out` chain sends DNS (port 53, UDP and TCP) that a
/// process addressed to any resolver, so pinholed answers, attributes and
/// filters hard-coded resolvers too (`dig @8.8.8.8`).
///
/// Per family, the first of pinholed's listeners of that family is the
/// target (an unspecified address, 0.0.0.0 or ::, means its loopback
/// address); a family without a listener is not redirected. Packets to
/// any listener itself are left alone.
public struct DNSCapture: Sendable, Equatable {
    /// An address and port pinholed answers on.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public let address: IPAddress
        public let port: UInt16

        public init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }

        /// "127.0.0.1:53", "[::1]:53": nft's form after `dnat ip to` / `dnat ip6 to`.
        public var description: String {
            if case .v4 = address { "\(address):\(port)" } else { "[\(address)]:\(port)" }
        }
    }

    /// Where IPv4 DNS goes; nil: IPv4 DNS is not redirected.
    public let v4: Endpoint?
    /// Where IPv6 DNS goes; nil: IPv6 DNS is not redirected.
    public let v6: Endpoint?
    /// pinholed's listeners (and targets): packets to these are not redirected.
    public let listeners: [Endpoint]

    /// The capture for pinholed's `listeners`, in configuration order.
    public init(listeners: [Endpoint]) {
        let resolved = listeners.map { listener -> Endpoint in
            switch listener.address {
            case .v4(0): Endpoint(address: .v4(0x7F00_0001), port: listener.port)
            case .v6(0, 0): Endpoint(address: .v6(0, 1), port: listener.port)
            default: listener
            }
        }
        v4 = resolved.first { if case .v4 = $0.address { true } else { false } }
        v6 = resolved.first { if case .v6 = $0.address { true } else { false } }
        var all: [Endpoint] = []
        for endpoint in listeners + resolved where !all.contains(endpoint) { all.append(endpoint) }
        self.listeners = all
    }
}
