/// The files `system-resolver` reads and writes, as absolute paths on the
/// target system (`SystemFiles` prefixes a test root).
public struct SystemPaths: Sendable, Equatable {
    public var resolvConf = "/etc/resolv.conf"
    public var nsswitch = "/etc/nsswitch.conf"
    /// systemd-resolved's upstreams (its "uplink" resolv.conf).
    public var resolvedUplink = "/run/systemd/resolve/resolv.conf"
    /// Exists while systemd-resolved serves varlink.
    public var resolvedVarlinkSocket = "/run/systemd/resolve/io.systemd.Resolve"
    /// The drop-in pinhole adds in keep-resolved mode.
    public var resolvedDropIn = "/etc/systemd/resolved.conf.d/pinhole.conf"
    public var networkManagerConf = "/etc/NetworkManager/NetworkManager.conf"
    public var networkManagerConfDir = "/etc/NetworkManager/conf.d"
    /// The drop-in pinhole adds when NetworkManager writes resolv.conf.
    public var networkManagerDropIn = "/etc/NetworkManager/conf.d/90-pinhole.conf"
    /// pinholed's config (`upstream.resolv_conf` is pointed at `upstreamFile`).
    public var pinholeConfig = "/etc/pinhole/pinhole.toml"
    /// The pinholed.service drop-in of replace mode with varlink: systemd
    /// makes the varlink socket's directory for the sandboxed pinholed.
    public var pinholedVarlinkDropIn = "/etc/systemd/system/pinholed.service.d/pinhole-varlink.conf"
    /// The generated list of adopted upstreams.
    public var upstreamFile = "/etc/pinhole/upstream-resolv.conf"

    public init(pinholeConfig: String = "/etc/pinhole/pinhole.toml") {
        self.pinholeConfig = pinholeConfig
        let directory = pinholeConfig.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        upstreamFile = (directory.isEmpty ? "" : directory) + "/upstream-resolv.conf"
    }
}
