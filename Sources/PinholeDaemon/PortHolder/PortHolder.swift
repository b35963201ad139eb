#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PinholeCore

/// Finds the process that holds a local address and port, to turn a bare
/// "address already in use" into "… is in use by dnsmasq (pid 812)".
///
/// Reads /proc/net/{udp,udp6,tcp,tcp6} (TCP: LISTEN sockets only) for the
/// socket's inode, then /proc/[pid]/fd for the process owning it. Only
/// sees sockets and processes of pinholed's own namespaces; meant for error
/// messages at startup, not for per-query use.
public enum PortHolder {
    /// A process holding a socket.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        /// The process id (the lowest, when several share the socket).
        public var pid: Int32
        /// /proc/[pid]/comm: the name, at most 15 characters.
        public var command: String
        /// "dnsmasq (pid 812)".
        public var description: String { "\(command) (pid \(pid))" }
    }

    /// "dnsmasq (pid 812)" for the process holding `address` ("127.0.0.1",
    /// "::1") and `port` over `transport`; nil when none is visible.
    public static func describe(address: String, port: Int, transport: ClientTransport) -> String? {
        guard var parsed = try? SocketAddressText(parsing: address) else { return nil }
        parsed.port = port
        return holder(of: parsed, transport: transport)?.description
    }

    /// The process holding `address` over `transport`, if visible. A socket
    /// on the wildcard address of the port holds every address, and a
    /// socket on any address blocks binding the wildcard.
    public static func holder(of address: SocketAddressText, transport: ClientTransport) -> Holder? {
        let files = transport == .udp ? ["/proc/net/udp", "/proc/net/udp6"] : ["/proc/net/tcp", "/proc/net/tcp6"]
        var inodes: Set<UInt64> = []
        for file in files {
            for entry in ProcNetSocketTable(path: file).entries
            where entry.inode != 0 && overlaps(entry.local, address)
                && (transport == .udp || entry.state == ProcNetSocketTable.tcpListen) {
                inodes.insert(entry.inode)
            }
        }
        guard !inodes.isEmpty else { return nil }
        return owner(ofAnyOf: inodes)
    }

    /// The message for a failed bind of a listen address, with the holder
    /// when the error is EADDRINUSE and what to change in either case:
    /// `127.0.0.153:53 is in use by dnsmasq (pid 812); change server.listen in /etc/pinhole/pinhole.toml or pass --listen`.
    /// `detail` describes an error that carries no errno (`code` nil).
    public static func bindErrorMessage(
        address: SocketAddressText, transport: ClientTransport, errno code: Int32? = EADDRINUSE, detail: String? = nil,
        configPath: String
    ) -> String {
        let advice = "change server.listen in \(configPath) or pass --listen"
        switch code {
        case EADDRINUSE:
            if let holder = holder(of: address, transport: transport) {
                return "\(address) is in use by \(holder); \(advice)"
            }
            return "\(address) is in use (\(transport.rawValue.uppercased())) by a process not visible from here, "
                + "e.g. in another network namespace; \(advice)"
        case EACCES:
            return "no permission to listen on \(address): ports below 1024 need root or CAP_NET_BIND_SERVICE; \(advice)"
        case EADDRNOTAVAIL:
            return "cannot listen on \(address): no local interface has that address; \(advice)"
        default:
            let reason = code.map { String(cString: strerror($0)) } ?? detail ?? "unknown error"
            return "cannot listen on \(address) (\(transport.rawValue.uppercased())): \(reason); \(advice)"
        }
    }

    /// Whether a socket bound to `bound` conflicts with binding `wanted`.
    static func overlaps(_ bound: SocketAddressText, _ wanted: SocketAddressText) -> Bool {
        let bound = bound.unmappingIPv4(), wanted = wanted.unmappingIPv4()
        guard bound.port == wanted.port else { return false }
        if bound.bytes == wanted.bytes { return true }
        // An IPv6 wildcard is dual-stack unless IPV6_V6ONLY, which /proc does not show.
        func covers(_ wildcard: SocketAddressText, _ other: SocketAddressText) -> Bool {
            wildcard.isWildcard && (wildcard.family == other.family || wildcard.family == .ipv6)
        }
        return covers(bound, wanted) || covers(wanted, bound)
    }

    /// Scans /proc/[pid]/fd for a link to one of `inodes`; the lowest pid wins
    /// (the parent, when a daemon forked after binding).
    private static func owner(ofAnyOf inodes: Set<UInt64>) -> Holder? {
        let targets = Set(inodes.map { "socket:[\($0)]" })
        let pids = ProcDirectory.entries("/proc").compactMap(Int32.init).sorted()
        for pid in pids {
            for fd in ProcDirectory.entries("/proc/\(pid)/fd") {
                guard let target = ProcDirectory.linkTarget("/proc/\(pid)/fd/\(fd)"), targets.contains(target) else {
                    continue
                }
                let comm = (try? TextFile.contents(of: "/proc/\(pid)/comm")) ?? ""
                let command = comm.hasSuffix("\n") ? String(comm.dropLast()) : comm
                return Holder(pid: pid, command: command.isEmpty ? "?" : command)
            }
        }
        return nil
    }
}

extension SocketAddressText {
    /// ::ffff:a.b.c.d as a.b.c.d; other addresses unchanged.
    fileprivate func unmappingIPv4() -> SocketAddressText {
        guard family == .ipv6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else {
            return self
        }
        return SocketAddressText(bytes: Array(bytes[12...]), port: port)
    }
}
