import PinholeCore

extension SocketAddressText {
    /// The address as an endpoint, nil for a wildcard (0.0.0.0, ::): a
    /// listener bound to one does not know its local address per query.
    var specificEndpoint: ClientEndpoint? {
        guard bytes.contains(where: { $0 != 0 }) else { return nil }
        let ip = bytes.count == 4
            ? IPAddress.v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
            : IPAddress(ipv6Bytes: bytes)
        return ClientEndpoint(ip: ip, port: port)
    }
}
