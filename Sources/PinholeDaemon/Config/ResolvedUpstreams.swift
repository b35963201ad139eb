/// The upstream servers pinholed will use, and where they came from.
public struct ResolvedUpstreams: Sendable, Equatable {
    /// Servers to forward to, in order; never empty.
    public var servers: [SocketAddressText]
    /// "upstream.servers" or the path of the resolv.conf they were read from.
    public var origin: String
    /// resolv.conf nameservers left out because pinhole itself listens there.
    public var skippedAsOwnAddress: [SocketAddressText]

    /// Creates a selection of upstream servers.
    public init(servers: [SocketAddressText], origin: String, skippedAsOwnAddress: [SocketAddressText] = []) {
        self.servers = servers
        self.origin = origin
        self.skippedAsOwnAddress = skippedAsOwnAddress
    }
}

extension DaemonConfig {
    /// The servers to forward to: `upstream.servers`, or when that is empty
    /// the nameservers of `upstream.resolvConf` minus pinhole's own listen
    /// addresses (once pinhole is the system resolver, resolv.conf names it).
    /// Errors when that leaves none, or when an explicit server is pinhole itself.
    public func resolvedUpstreams() throws(ConfigError) -> ResolvedUpstreams {
        if !upstream.servers.isEmpty {
            for server in upstream.servers {
                if let own = ownListenAddress(receiving: server) {
                    throw ConfigError(
                        key: "upstream.servers",
                        message: "upstream.servers: \"\(server)\" is pinhole's own listen address \(own); pinhole would query itself")
                }
            }
            return ResolvedUpstreams(servers: upstream.servers, origin: "upstream.servers")
        }
        let path = upstream.resolvConf
        let file = try ResolvConf.load(path: path)
        let skipped = file.nameservers.filter { ownListenAddress(receiving: $0) != nil }
        let usable = file.nameservers.filter { ownListenAddress(receiving: $0) == nil }
        guard usable.isEmpty else {
            return ResolvedUpstreams(servers: usable, origin: path, skippedAsOwnAddress: skipped)
        }
        let advice = "set upstream.servers in the pinhole config or pass --upstream"
        if skipped.isEmpty {
            throw ConfigError(file: path, key: "upstream.resolv_conf", message: "no usable nameserver line; \(advice)")
        }
        let list = skipped.map(\.description).joined(separator: ", ")
        throw ConfigError(
            file: path, key: "upstream.resolv_conf",
            message: "its only nameservers (\(list)) are pinhole's own listen addresses, so pinhole would query itself; \(advice)")
    }

    /// The listen address that would receive queries sent to `server`, if any.
    func ownListenAddress(receiving server: SocketAddressText) -> SocketAddressText? {
        self.server.listen.first { $0.receives(server) }
    }
}
