import Foundation
import PinholeDaemon

/// Makes the plan for `system-resolver enable` from what the machine looks
/// like (`SystemFacts`): pure, so every set-up is tested on fixtures.
public struct SwitchPlanner: Sendable {
    public var paths: SystemPaths
    /// `--mode`; nil: keep-resolved where resolved is active, else replace.
    public var mode: ResolverMode?
    /// `--upstream`: servers to use instead of the adopted ones.
    public var upstreams: [SocketAddressText]

    /// resolved's stub addresses: never adopted as upstreams in replace
    /// mode (resolved is stopped) nor written into pinhole's list.
    static let resolvedStub = "127.0.0.53"
    static let resolvedProxyStub = "127.0.0.54"

    public init(paths: SystemPaths = SystemPaths(), mode: ResolverMode? = nil, upstreams: [SocketAddressText] = []) {
        self.paths = paths
        self.mode = mode
        self.upstreams = upstreams
    }

    /// The plan, or why there cannot be one.
    public func plan(for facts: SystemFacts) throws(SystemResolverError) -> SwitchPlan {
        let mode = self.mode ?? (facts.resolvedActive ? .keepResolved : .replace)
        if mode == .keepResolved && !facts.resolvedActive {
            throw SystemResolverError(
                "--mode keep-resolved needs systemd-resolved, which is not active (systemctl is-active systemd-resolved); use --mode replace")
        }
        let listen = try resolvConfAddresses(facts.pinholeConfig)
        let (servers, origin) = try adoptedUpstreams(mode: mode, facts: facts)
        var steps: [SwitchStep] = []
        var notes: [String] = []

        steps.append(.file(FileChange(path: paths.upstreamFile, action: .write(Self.upstreamFile(servers, mode: mode, origin: origin, previous: mode == .replace ? facts.resolvConfText : nil), mode: 0o644),
            reason: "the upstreams pinholed forwards to (from \(origin))")))
        var config = facts.pinholeConfigText ?? Self.newConfigHeader
        config = try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: Self.quoted(paths.upstreamFile), in: config, file: paths.pinholeConfig)
        do {
            _ = try ConfigLoader.parse(config, file: paths.pinholeConfig)
        } catch {
            throw SystemResolverError("the edited \(paths.pinholeConfig) would not load: \(error); nothing was changed")
        }
        let servesVarlink = mode == .replace && facts.varlinkSupported && facts.nsswitch?.usesResolve == true
        if servesVarlink {
            config = try TOMLKeySetter.set(table: "varlink", key: "enabled", value: "true", in: config, file: paths.pinholeConfig)
        }
        steps.append(.file(FileChange(path: paths.pinholeConfig, action: .write(config, mode: 0o644),
            reason: "upstream.resolv_conf = \(Self.quoted(paths.upstreamFile))" + (servesVarlink ? ", varlink.enabled = true (pinholed serves io.systemd.Resolve)" : ""))))
        if !facts.pinholeConfig.upstream.servers.isEmpty {
            notes.append("upstream.servers is set in \(paths.pinholeConfig) and takes precedence over the adopted upstreams")
        }

        switch mode {
        case .keepResolved:
            steps.append(.file(FileChange(path: paths.resolvedDropIn, action: .write(Self.resolvedDropIn, mode: 0o644),
                reason: "resolved stops answering on 127.0.0.53 and keeps its proxy stub 127.0.0.54 for pinhole")))
            steps.append(.service(ServiceAction(["restart", "systemd-resolved.service"], undo: ["restart", "systemd-resolved.service"],
                reason: "resolved reads its drop-ins at start")))
        case .replace where facts.resolvedActive:
            let undo = facts.resolvedEnabled ? ["enable", "--now", "systemd-resolved.service"] : ["start", "systemd-resolved.service"]
            steps.append(.service(ServiceAction(["disable", "--now", "systemd-resolved.service"], undo: undo,
                reason: "pinhole replaces systemd-resolved")))
        case .replace:
            break
        }
        if servesVarlink {
            // ProtectSystem=strict and User=pinhole: pinholed cannot make resolved's directory itself.
            let directory = try Self.runtimeDirectory(ofSocket: facts.pinholeConfig.varlink.socket)
            steps.append(.file(FileChange(path: paths.pinholedVarlinkDropIn,
                action: .write(Self.pinholedVarlinkDropIn(runtimeDirectory: directory, socket: facts.pinholeConfig.varlink.socket), mode: 0o644),
                reason: "systemd makes /run/\(directory) for the sandboxed pinholed (RuntimeDirectory=), where it serves io.systemd.Resolve")))
            steps.append(.service(ServiceAction(["daemon-reload"], undo: ["daemon-reload"],
                reason: "systemd reads the pinholed.service drop-in (and forgets it again on disable, before pinholed restarts)")))
        }
        // After resolved: in replace mode pinholed may take over resolved's varlink socket path.
        steps.append(.service(ServiceAction(["try-restart", "pinholed.service"], undo: ["try-restart", "pinholed.service"],
            reason: "pinholed reads its upstreams at start")))
        if facts.networkManagerActive && facts.networkManager.writesResolvConf {
            steps.append(.file(FileChange(path: paths.networkManagerDropIn, action: .write(Self.networkManagerDropIn, mode: 0o644),
                reason: "NetworkManager stops rewriting /etc/resolv.conf (rc-manager=unmanaged)")))
            steps.append(.service(ServiceAction(["reload", "NetworkManager.service"], undo: ["reload", "NetworkManager.service"],
                reason: "NetworkManager reads conf.d on reload")))
        }
        if let nsswitch = facts.nsswitch, nsswitch.usesResolve, !servesVarlink {
            steps.append(.file(FileChange(path: paths.nsswitch, action: .write(nsswitch.removingResolve(), mode: facts.nsswitchMode),
                reason: "glibc's `resolve` source asks systemd-resolved over varlink and would bypass pinhole; removed from the hosts line")))
        } else if let nsswitch = facts.nsswitch, !nsswitch.usesDNS, !servesVarlink {
            notes.append("the hosts line of \(paths.nsswitch) has no `dns` source: glibc programs will not ask pinhole")
        }
        steps.append(.file(FileChange(path: paths.resolvConf,
            action: .write(Self.resolvConf(listen: listen, previous: facts.resolvConfText), mode: facts.resolvConfMode ?? 0o644),
            reason: "programs ask pinhole (\(listen.map(\.host).joined(separator: ", "))) instead of \(facts.resolvConf)")))
        if case .resolvconf = facts.resolvConf {
            notes.append("resolvconf manages /etc/resolv.conf: pinhole replaces its symlink with a file; resolvconf updates no longer reach programs")
        }
        return SwitchPlan(mode: mode, upstreams: servers, upstreamOrigin: origin, steps: steps, notes: notes)
    }

    /// The servers pinholed will forward to in `mode`, and their origin.
    func adoptedUpstreams(mode: ResolverMode, facts: SystemFacts) throws(SystemResolverError) -> ([SocketAddressText], String) {
        if !upstreams.isEmpty { return (upstreams, "--upstream") }
        let own = facts.pinholeConfig.server.listen
        let usable: ([SocketAddressText]) -> [SocketAddressText] = { servers in
            servers.filter { server in
                !own.contains { $0.receives(server) } && server.host != Self.resolvedStub && server.host != Self.resolvedProxyStub
            }
        }
        switch mode {
        case .keepResolved:
            return ([try! SocketAddressText(parsing: Self.resolvedProxyStub)], "systemd-resolved's proxy stub (per-link DNS kept)")
        case .replace:
            if facts.resolvedActive || facts.resolvConf.isResolvedLink {
                let servers = usable(facts.resolvedUplinkText.map { ResolvConf(parsing: $0).nameservers } ?? [])
                if !servers.isEmpty { return (servers, paths.resolvedUplink) }
                if facts.resolvedActive {
                    throw SystemResolverError(
                        "\(paths.resolvedUplink) names no upstream server to adopt (systemd-resolved has none configured?); pass --upstream ADDRESS")
                }
            }
            let servers = usable(facts.resolvConfNameservers)
            guard !servers.isEmpty else {
                throw SystemResolverError(
                    "\(paths.resolvConf) names no upstream server to adopt (only pinhole's or resolved's own addresses, or none); pass --upstream ADDRESS")
            }
            return (servers, paths.resolvConf)
        }
    }

    /// The addresses resolv.conf will name: pinhole's listen addresses
    /// (port 53 only: resolv.conf has no port; the wildcard as loopback).
    func resolvConfAddresses(_ config: DaemonConfig) throws(SystemResolverError) -> [SocketAddressText] {
        var result: [SocketAddressText] = []
        for address in config.server.listen where address.port == 53 {
            if address.isWildcard {
                let loopback = address.family == .ipv4 ? "127.0.0.1" : "::1"
                result.append(try! SocketAddressText(parsing: loopback))
            } else {
                result.append(address)
            }
        }
        guard !result.isEmpty else {
            let list = config.server.listen.map(\.description).joined(separator: ", ")
            throw SystemResolverError(
                "server.listen (\(list)) has no address on port 53, and resolv.conf cannot name another port; listen on port 53 first")
        }
        return result
    }

    /// The text of the generated upstream list, with the `search`/`domain`
    /// lines of the `previous` resolv.conf (replace mode): pinholed's
    /// io.systemd.Resolve applies them to single-label names, as
    /// systemd-resolved did (resolved's stub file lists its per-link domains).
    static func upstreamFile(_ servers: [SocketAddressText], mode: ResolverMode, origin: String, previous: String? = nil) -> String {
        var text = "# Written by `pinhole system-resolver enable` (mode \(mode.rawValue)); removed by `disable`.\n"
        text += "# pinholed forwards to these servers (upstream.resolv_conf in pinhole.toml); from \(origin).\n"
        for server in servers {
            text += "nameserver \(server.hostWithScope)\n"
        }
        for line in (previous ?? "").split(whereSeparator: \.isNewline) {
            let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            if word == "search" || word == "domain" { text += line + "\n" }
        }
        return text
    }

    /// The new resolv.conf: pinhole's addresses, plus the search domains and
    /// options of the previous file (resolved's stub file carries the
    /// per-link search domains).
    static func resolvConf(listen: [SocketAddressText], previous: String?) -> String {
        var text = "# Written by `pinhole system-resolver enable`: pinhole answers DNS on this machine.\n"
        text += "# `pinhole system-resolver disable` puts the previous file back.\n"
        for address in listen {
            text += "nameserver \(address.hostWithScope)\n"
        }
        for line in (previous ?? "").split(whereSeparator: \.isNewline) {
            let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            if word == "search" || word == "domain" || word == "options" { text += line + "\n" }
        }
        return text
    }

    /// The resolved drop-in of keep-resolved mode (README "Switching the system resolver" says why).
    static let resolvedDropIn = """
        # Written by `pinhole system-resolver enable` (mode keep-resolved); removed by `disable`.
        # pinhole answers DNS on this machine and forwards to resolved's proxy stub
        # 127.0.0.54, so per-link DNS (VPN split DNS, per-interface servers) keeps working.
        # DNSStubListener=no closes both of resolved's stubs (127.0.0.53 and 127.0.0.54),
        # so nothing answers beside pinhole on the usual stub address; the extra
        # listener reopens 127.0.0.54 alone, answered in proxy mode as before.
        [Resolve]
        DNSStubListener=no
        DNSStubListenerExtra=127.0.0.54

        """

    /// The RuntimeDirectory= value for the varlink socket's directory
    /// ("systemd/resolve" for /run/systemd/resolve/io.systemd.Resolve).
    static func runtimeDirectory(ofSocket socket: String) throws(SystemResolverError) -> String {
        let directory = (socket as NSString).deletingLastPathComponent
        guard directory.hasPrefix("/run/"), directory.count > 5, !directory.split(separator: "/").contains("..") else {
            throw SystemResolverError(
                "varlink.socket \(socket) is not below /run/: the pinholed.service drop-in can only give pinholed a directory there "
                    + "(nss-resolve asks \(DaemonConfig.Varlink.defaultSocket) anyway); nothing was changed")
        }
        return String(directory.dropFirst(5))
    }

    /// The pinholed.service drop-in of replace mode with varlink (README
    /// "Switching the system resolver" says why each line).
    public static func pinholedVarlinkDropIn(runtimeDirectory: String, socket: String) -> String {
        """
        # Written by `pinhole system-resolver enable` (mode replace); removed by `disable`.
        # pinholed serves io.systemd.Resolve at \(socket) ([varlink] enabled = true)
        # in place of systemd-resolved, which is disabled. Under ProtectSystem=strict
        # and User=pinhole it cannot make that directory: systemd makes it, owned by
        # pinhole and writable in pinholed's sandbox, and removes it when pinholed
        # stops. This adds to the unit's RuntimeDirectory=pinhole (an empty
        # RuntimeDirectory= would reset the list). systemd-resolved uses the same
        # directory: never run both.
        # 0755, not the unit's 0750: every program's nss-resolve must reach the
        # socket. It applies to /run/pinhole too, whose control socket checks each
        # peer's credentials (SO_PEERCRED) itself.
        [Service]
        RuntimeDirectory=\(runtimeDirectory)
        RuntimeDirectoryMode=0755

        """
    }

    /// The NetworkManager drop-in: leave resolv.conf alone.
    static let networkManagerDropIn = """
        # Written by `pinhole system-resolver enable`; removed by `disable`.
        # pinhole owns /etc/resolv.conf: NetworkManager must not rewrite it.
        [main]
        rc-manager=unmanaged

        """

    /// The start of a pinhole.toml written where there was none.
    static let newConfigHeader = "# pinholed configuration; see the commented example shipped with pinhole.\n"

    static func quoted(_ path: String) -> String {
        "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
