import PinholeCore

/// Where the `nat_out` chain sends DNS (port 53, UDP and TCP) that a
/// process addressed to any resolver, so pinholed answers, attributes and
/// filters hard-coded resolvers too (`dig @8.8.8.8`).
///
/// Per family, the target is the *capture endpoint*: the address of the
/// first of pinholed's listeners of that family (an unspecified address,
/// 0.0.0.0 or ::, means its loopback address) on `capturePort`, where
/// pinholed listens too. A family without a listener is not redirected.
/// Packets to any listener or capture endpoint are left alone.
///
/// Redirected queries have a listener of their own so that the main
/// listeners' traffic can skip conntrack (`untracked`, chain `raw_out`):
/// replies to redirected queries leave from the capture endpoint and stay
/// tracked, so NAT turns their source back into the resolver the app asked.
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

        /// 0.0.0.0 or ::.
        var isWildcard: Bool { address == .v4(0) || address == .v6(0, 0) }
    }

    /// The `[enforcement] capture_port` default.
    public static let defaultPort: UInt16 = 10053

    /// Where IPv4 DNS goes (the IPv4 capture endpoint); nil: IPv4 DNS is not redirected.
    public let v4: Endpoint?
    /// Where IPv6 DNS goes (the IPv6 capture endpoint); nil: IPv6 DNS is not redirected.
    public let v6: Endpoint?
    /// pinholed's listeners and capture endpoints: packets to these are not redirected.
    public let listeners: [Endpoint]
    /// pinholed's main listeners with a specific address: their packets,
    /// both ways, skip conntrack. A wildcard listener has none (a packet
    /// never carries 0.0.0.0 or ::), so its traffic stays tracked as before.
    public let untracked: [Endpoint]

    /// The capture for pinholed's `listeners` (main listeners, in
    /// configuration order), its capture endpoints on `capturePort`.
    public init(listeners: [Endpoint], capturePort: UInt16 = Self.defaultPort) {
        let resolved = listeners.map { listener -> Endpoint in
            switch listener.address {
            case .v4(0): Endpoint(address: .v4(0x7F00_0001), port: listener.port)
            case .v6(0, 0): Endpoint(address: .v6(0, 1), port: listener.port)
            default: listener
            }
        }
        let first4 = resolved.first { if case .v4 = $0.address { true } else { false } }
        let first6 = resolved.first { if case .v6 = $0.address { true } else { false } }
        v4 = first4.map { Endpoint(address: $0.address, port: capturePort) }
        v6 = first6.map { Endpoint(address: $0.address, port: capturePort) }
        var all: [Endpoint] = []
        for endpoint in listeners + resolved + [v4, v6].compactMap({ $0 }) where !all.contains(endpoint) {
            all.append(endpoint)
        }
        self.listeners = all
        var untracked: [Endpoint] = []
        for endpoint in listeners where !endpoint.isWildcard && !untracked.contains(endpoint) { untracked.append(endpoint) }
        self.untracked = untracked
    }

    /// The capture endpoints pinholed binds (UDP and TCP), IPv4 first.
    public var endpoints: [Endpoint] { [v4, v6].compactMap { $0 } }
}
