import Glibc
import PinholeCore

/// The client socket behind a query, keyed as the kernel's socket tables
/// see it: from the client's side, IPv4-mapped addresses unmapped.
struct ClientSocketKey: Sendable, Hashable {
    var transport: ClientTransport
    /// The client socket's own address and port (the query's source).
    var local: ClientEndpoint
    /// Where the client socket sent the query (its peer when connected);
    /// nil when unknown (a wildcard listener, no original destination).
    var remote: ClientEndpoint?

    init(_ request: AttributionRequest) {
        transport = request.transport
        local = ClientEndpoint(ip: request.client.ip.unmappedIPv4, port: request.client.port)
        remote = nil
        // The client socket is connected where it sent the query: the original
        // destination when a redirect rewrote it, else the listener's address.
        if let peer = request.originalDestination ?? request.local {
            let candidate = ClientEndpoint(ip: peer.ip.unmappedIPv4, port: peer.port)
            if !candidate.ip.isUnspecified, candidate.port != 0, candidate.ip.isIPv4 == local.ip.isIPv4 {
                remote = candidate
            }
        }
    }

    /// AF_INET or AF_INET6: the family of the client's address.
    var family: UInt8 { UInt8(local.ip.isIPv4 ? AF_INET : AF_INET6) }

    /// IPPROTO_UDP or IPPROTO_TCP.
    var ipProtocol: UInt8 { UInt8(transport == .udp ? IPPROTO_UDP : IPPROTO_TCP) }

    /// Socket families that can hold the client socket: an IPv4 client may
    /// also be a dual-stack IPv6 socket talking to an IPv4-mapped peer.
    var candidateFamilies: [UInt8] {
        local.ip.isIPv4 ? [UInt8(AF_INET), UInt8(AF_INET6)] : [UInt8(AF_INET6)]
    }

    /// "UDP 127.0.0.1:40000 → 127.0.0.1:53", for error messages.
    var description: String {
        "\(transport.rawValue.uppercased()) \(local) → \(remote.map { "\($0)" } ?? "*")"
    }
}
