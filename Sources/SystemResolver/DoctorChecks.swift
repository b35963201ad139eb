import Enforcement
import Foundation
import PinholeCore
import PinholeDaemon
import QueryLog

#if canImport(Glibc)
import Glibc
#endif

/// `pinhole doctor`: does DNS on this machine really flow through pinhole?
/// Each check returns a finding with the fix; the last one sends a probe
/// through glibc's getaddrinfo and watches pinholed's follow stream for it.
public struct DoctorChecks: Sendable {
    public var files: SystemFiles
    public var paths: SystemPaths
    public var config: DaemonConfig
    public var controlSocket: String
    /// The switch's manifest, when `system-resolver enable` ran.
    public var manifest: BackupManifest?
    /// How long to wait for pinholed to report the probe.
    public var probeTimeout: Duration

    public init(
        files: SystemFiles, paths: SystemPaths, config: DaemonConfig, controlSocket: String, manifest: BackupManifest?,
        probeTimeout: Duration = .seconds(3)
    ) {
        self.files = files
        self.paths = paths
        self.config = config
        self.controlSocket = controlSocket
        self.manifest = manifest
        self.probeTimeout = probeTimeout
    }

    /// Every check, in order.
    public func run() async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let status = try? ControlSocketClient(socketPath: controlSocket).status()
        findings.append(daemon())
        findings.append(contentsOf: upstreams(status))
        findings.append(resolvConf())
        findings.append(nsswitch())
        findings.append(contentsOf: ports(daemonPID: status?.pid))
        findings.append(nftTable())
        findings.append(await probe(daemonUp: status != nil))
        return findings
    }

    func daemon() -> DoctorFinding {
        do {
            let status = try ControlSocketClient(socketPath: controlSocket).status()
            return DoctorFinding("pinholed", .ok, "pinholed \(status.version) is running (pid \(status.pid), \(status.queries) queries answered)")
        } catch {
            return DoctorFinding("pinholed", .failed, "no answer on the control socket: \(error)",
                fix: "start it: systemctl start pinholed.service (journalctl -u pinholed says why it stopped)")
        }
    }

    func resolvConf() -> DoctorFinding {
        let path = files.hostPath(paths.resolvConf)
        guard let text = files.readText(paths.resolvConf) else {
            return DoctorFinding("resolv.conf", .failed, "\(path) cannot be read", fix: "pinhole system-resolver enable")
        }
        let servers = ResolvConf(parsing: text).nameservers
        let ours = servers.filter { server in config.server.listen.contains { $0.receives(server) } }
        guard let first = servers.first, ours.contains(first) else {
            let list = servers.map(\.host).joined(separator: ", ")
            return DoctorFinding("resolv.conf", .failed, "\(path) names \(list.isEmpty ? "no nameserver" : list), not pinhole",
                fix: "pinhole system-resolver enable")
        }
        if ours.count < servers.count {
            let others = servers.filter { !ours.contains($0) }.map(\.host).joined(separator: ", ")
            return DoctorFinding("resolv.conf", .warning, "\(path) names pinhole first, but also \(others): glibc asks those when pinhole is slow, bypassing it",
                fix: "remove the other nameserver lines (pinhole system-resolver enable writes only pinhole's)")
        }
        return DoctorFinding("resolv.conf", .ok, "\(path) names pinhole (\(first.host))")
    }

    func nsswitch() -> DoctorFinding {
        let path = files.hostPath(paths.nsswitch)
        guard let text = files.readText(paths.nsswitch) else {
            return DoctorFinding("nsswitch", .ok, "\(path) is missing: glibc uses `hosts: dns files`")
        }
        let conf = NsswitchConf(text: text)
        let line = conf.hostsTokens?.joined(separator: " ") ?? "(none)"
        if conf.usesResolve { return resolveSource(line: line, nsswitchPath: path) }
        if !conf.usesDNS && !conf.usesResolve {
            return DoctorFinding("nsswitch", .failed, "hosts: \(line) has no `dns` source: glibc never asks pinhole",
                fix: "add `dns` to the hosts line of \(path)")
        }
        return DoctorFinding("nsswitch", .ok, "hosts: \(line)")
    }

    /// nsswitch names `resolve`: fine only when pinholed itself answers
    /// io.systemd.Resolve, which a GetInfo call on the socket tells (not
    /// the config or the manifest alone: pinholed may have failed to bind it,
    /// or systemd-resolved may be the one answering).
    func resolveSource(line: String, nsswitchPath: String) -> DoctorFinding {
        let socket = files.hostPath(config.varlink.socket)
        let removeResolve = "remove `resolve` (and its [...] action) from the hosts line of \(nsswitchPath); pinhole system-resolver enable does"
        let expected = config.varlink.enabled || manifest?.mode == .replace
        do {
            let info = try VarlinkInfoClient.getInfo(path: socket)
            if info.isPinholed {
                return DoctorFinding("nsswitch", .ok,
                    "hosts: \(line) — `resolve` asks pinholed over varlink (\(socket) answers GetInfo as pinholed \(info.version))")
            }
            return DoctorFinding("nsswitch", .failed,
                "hosts: \(line) — `resolve` asks \(info.vendor) \(info.product) over varlink (\(socket)), bypassing pinhole",
                fix: expected
                    ? "stop \(info.product) (systemctl disable --now systemd-resolved.service), then systemctl restart pinholed.service"
                    : removeResolve)
        } catch {
            if expected {
                return DoctorFinding("nsswitch", .failed,
                    "hosts: \(line) — `resolve` needs pinholed's io.systemd.Resolve, but \(error)",
                    fix: "systemctl restart pinholed.service (journalctl -u pinholed says why it does not serve \(config.varlink.socket)), or \(removeResolve)")
            }
            return DoctorFinding("nsswitch", .failed,
                "hosts: \(line) — `resolve` asks systemd-resolved over varlink, bypassing pinhole (pinholed does not serve it: varlink.enabled = false)",
                fix: removeResolve)
        }
    }

    func ports(daemonPID: Int32?) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for address in config.server.listen {
            for transport in [ClientTransport.udp, .tcp] {
                let name = "port \(address) \(transport == .udp ? "udp" : "tcp")"
                guard let holder = PortHolder.holder(of: address, transport: transport) else {
                    findings.append(DoctorFinding(name, daemonPID == nil ? .failed : .warning, "nothing visible listens there",
                        fix: "start pinholed (it listens on server.listen)"))
                    continue
                }
                if let daemonPID, holder.pid == daemonPID {
                    findings.append(DoctorFinding(name, .ok, "held by pinholed (pid \(holder.pid))"))
                } else {
                    findings.append(DoctorFinding(name, .failed, "held by \(holder), not by pinholed",
                        fix: "stop \(holder.command) or move pinhole elsewhere (server.listen in \(paths.pinholeConfig))"))
                }
            }
        }
        return findings
    }

    func nftTable() -> DoctorFinding {
        guard config.enforcement.enabled else {
            return DoctorFinding("nft table", .skipped, "enforcement is off ([enforcement] enabled = false)")
        }
        do {
            _ = try Nftables().run("list table inet pinhole")
            return DoctorFinding("nft table", .ok, "table inet pinhole is in place")
        } catch {
            return DoctorFinding("nft table", .failed, "table inet pinhole cannot be listed: \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))",
                fix: "run doctor as root; if it still fails, restart pinholed and read its log (it builds the table at start)")
        }
    }

    /// Resolves `<random>.pinhole-doctor.invalid` through getaddrinfo() and
    /// checks that pinholed reported it, attributed to this very process.
    func probe(daemonUp: Bool) async -> DoctorFinding {
        let check = "end to end"
        guard daemonUp else {
            return DoctorFinding(check, .failed, "pinholed is not running, so no query can reach it", fix: "start pinholed first")
        }
        let name = String(UInt64.random(in: 1...UInt64.max) | 1 << 60, radix: 36) + "." + DoctorProbeStage.suffix
        let stream: AsyncThrowingStream<LogRecord, any Error>
        do {
            stream = try ControlSocketClient(socketPath: controlSocket).follow()
        } catch {
            return DoctorFinding(check, .failed, "cannot follow pinholed's queries: \(error)",
                fix: "run doctor as root or as a member of the group pinhole")
        }
        let seen = Task { () async throws -> LogRecord? in
            for try await record in stream where record.name.lowercased().hasPrefix(name) { return record }
            return nil
        }
        let answer = Self.getaddrinfo(name)
        let timeout = probeTimeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            seen.cancel()
        }
        let record = try? await seen.value
        timer.cancel()
        let me = getpid()
        guard let record else {
            return DoctorFinding(check, .failed,
                "getaddrinfo(\"\(name)\") (\(answer)) never reached pinholed: programs on this machine do not ask pinhole",
                fix: "pinhole system-resolver enable; then check the resolv.conf and nsswitch findings above (and stop nscd, which caches for everyone)")
        }
        guard record.pid == me else {
            let who = record.pid.map { "pid \($0)" } ?? (record.unattributed.map { "nobody (\($0))" } ?? "nobody")
            return DoctorFinding(check, .failed,
                "pinholed saw the probe, but attributed to \(who), app \(record.app), not to doctor (pid \(me)): something relays queries (systemd-resolved's stub, nscd, a local cache)",
                fix: "point /etc/resolv.conf at pinhole alone and remove `resolve` from nsswitch's hosts line: pinhole system-resolver enable")
        }
        return DoctorFinding(check, .ok, "getaddrinfo(\"\(name)\") reached pinholed, attributed to doctor (pid \(me), app \(record.app))")
    }

    /// getaddrinfo's outcome as text ("NXDOMAIN (name not known)" expected).
    static func getaddrinfo(_ name: String) -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let code = Glibc.getaddrinfo(name, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        return code == 0 ? "answered with an address" : String(cString: gai_strerror(code))
    }
}
