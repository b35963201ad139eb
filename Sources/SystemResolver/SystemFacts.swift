import PinholeDaemon

/// What `system-resolver enable` found on the machine: the files' contents
/// and a few answers from systemctl. Gathered by `SystemProbe`; the plan is
/// made from it alone (`SwitchPlanner`), so it is tested on fixtures.
public struct SystemFacts: Sendable, Equatable {
    /// What /etc/resolv.conf is.
    public var resolvConf: ResolvConfState
    /// Its contents (through the symlink), nil when unreadable.
    public var resolvConfText: String?
    /// Its permission bits, when it is a regular file (kept when pinhole writes it).
    public var resolvConfMode: UInt32?
    /// `systemctl is-active systemd-resolved` said "active" (or its varlink socket exists).
    public var resolvedActive: Bool
    /// `systemctl is-enabled systemd-resolved` said "enabled".
    public var resolvedEnabled: Bool
    /// /run/systemd/resolve/resolv.conf: the upstreams resolved uses.
    public var resolvedUplinkText: String?
    /// nsswitch.conf, nil when missing.
    public var nsswitch: NsswitchConf?
    /// Its permission bits.
    public var nsswitchMode: UInt32
    /// `systemctl is-active NetworkManager` said "active".
    public var networkManagerActive: Bool
    /// NetworkManager's DNS settings.
    public var networkManager: NetworkManagerConf
    /// pinhole.toml's text, nil when there is none (all defaults).
    public var pinholeConfigText: String?
    /// The config as parsed (defaults when missing).
    public var pinholeConfig: DaemonConfig
    /// True when this pinholed can serve io.systemd.Resolve (`[varlink] enabled` is a known key).
    public var varlinkSupported: Bool

    public init(
        resolvConf: ResolvConfState, resolvConfText: String?, resolvConfMode: UInt32? = nil, resolvedActive: Bool,
        resolvedEnabled: Bool = true, resolvedUplinkText: String? = nil, nsswitch: NsswitchConf?, nsswitchMode: UInt32 = 0o644,
        networkManagerActive: Bool = false, networkManager: NetworkManagerConf = NetworkManagerConf(),
        pinholeConfigText: String? = nil, pinholeConfig: DaemonConfig, varlinkSupported: Bool = false
    ) {
        self.resolvConf = resolvConf
        self.resolvConfText = resolvConfText
        self.resolvConfMode = resolvConfMode
        self.resolvedActive = resolvedActive
        self.resolvedEnabled = resolvedEnabled
        self.resolvedUplinkText = resolvedUplinkText
        self.nsswitch = nsswitch
        self.nsswitchMode = nsswitchMode
        self.networkManagerActive = networkManagerActive
        self.networkManager = networkManager
        self.pinholeConfigText = pinholeConfigText
        self.pinholeConfig = pinholeConfig
        self.varlinkSupported = varlinkSupported
    }

    /// The current nameservers of resolv.conf.
    public var resolvConfNameservers: [SocketAddressText] {
        resolvConfText.map { ResolvConf(parsing: $0).nameservers } ?? []
    }

    /// True when resolv.conf's first nameserver is one of pinhole's listen addresses.
    public var resolvConfNamesPinhole: Bool {
        guard let first = resolvConfNameservers.first else { return false }
        return pinholeConfig.server.listen.contains { $0.receives(first) }
    }
}
