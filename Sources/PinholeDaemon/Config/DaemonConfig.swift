import Logging
import PinholeCore

/// pinholed's settings, one nested struct per TOML table of the config file
/// (see deploy/pinhole.toml for what each key means).
public struct DaemonConfig: Sendable, Equatable {
    /// `[server]`: where pinholed answers.
    public struct Server: Sendable, Equatable {
        /// Addresses to listen on (UDP and TCP); never empty.
        public var listen: [SocketAddressText]
    }

    /// `[upstream]`: where pinholed forwards.
    public struct Upstream: Sendable, Equatable {
        /// Explicit upstream servers; empty means the nameservers of `resolvConf`
        /// (see `resolvedUpstreams()`).
        public var servers: [SocketAddressText]
        /// The resolv.conf read when `servers` is empty.
        public var resolvConf: String
        /// Time allowed for one try of one server.
        public var attemptTimeout: Duration
        /// Total time for a query; SERVFAIL after it. At least `attemptTimeout`.
        public var timeout: Duration
        /// Search domains for single-label names asked over io.systemd.Resolve;
        /// empty means the `search`/`domain` line of `resolvConf`, ["."] none
        /// at all (see `searchDomains()`).
        public var search: [String] = []
    }

    /// `[cache]`: the answer cache.
    public struct Cache: Sendable, Equatable {
        /// Entries; 0 disables the cache.
        public var size: Int
        /// TTL floor in seconds.
        public var minTTL: Int
        /// TTL ceiling in seconds; at least `minTTL`.
        public var maxTTL: Int
        /// Ceiling in seconds for negative answers (NXDOMAIN, NODATA).
        public var negativeMaxTTL: Int
        /// Serve expired entries when upstreams fail (RFC 8767).
        public var serveStale: Bool
        /// How long past expiry an entry may still be served stale.
        public var staleMaxAge: Duration
    }

    /// `[tcp]`: limits for clients.
    public struct TCP: Sendable, Equatable {
        /// An idle TCP connection is closed after this.
        public var idleTimeout: Duration
        /// Open TCP client connections at most.
        public var maxConnections: Int
        /// Queries in flight per TCP connection and per UDP client address.
        public var maxOutstandingPerClient: Int
    }

    /// `[attribution]`: finding the process behind each query.
    public struct Attribution: Sendable, Equatable {
        /// Look up the sending process of every query (sock_diag, /proc);
        /// off sends every query to the app `unknown` (reason `disabled`).
        public var enabled: Bool
    }

    /// `[policy]`: per-app profiles and global lists.
    public struct Policy: Sendable, Equatable {
        /// Decide every query by the asking app's profile; off, pinhole only resolves.
        public var enabled: Bool
        /// One TOML profile per app (see deploy/apps.d).
        public var profilesDir: String
        /// Global lists, one file per list, format by extension (see Blocklists/README.md).
        public var listsDir: String
        /// How blocked names are answered unless a profile says otherwise.
        public var blockReply: BlockReply
        /// TTL of the addresses in blocked answers, in seconds.
        public var blockTTL: Int
        /// NXDOMAIN for the Firefox and iCloud Private Relay canaries.
        public var canaries: Bool
        /// NODATA for designated resolver discovery (resolver.arpa).
        public var resolverDiscovery: Bool
    }

    /// `[enforcement]`: the nftables table that lets apps reach only what they resolved.
    public struct Enforcement: Sendable, Equatable {
        /// Build `table inet pinhole` and pin every allowed answer (early
        /// work: off by default until the rest of the enforcement issue lands).
        public var enabled: Bool
        /// Pins last max(the answer's TTL, this).
        public var pinFloor: Duration
        /// Keep the table (and so the blocking) when pinholed stops.
        public var failClosed: Bool
        /// Interfaces only the named apps (unit globs) may use.
        public var interfaceOwners = InterfaceOwners()
        /// Govern every app without a profile too (but `exempt` and pinholed itself).
        public var enforceUnprofiled: Bool = false
        /// Unit globs never governed for being unprofiled ("sshd.service", "user@*.service").
        public var exempt: [Glob] = []
        /// Redirect port-53 traffic of every other process to pinholed's
        /// listener (chain `nat_out`).
        public var captureDNS: Bool = true
        /// The SO_MARK on pinholed's upstream sockets; the table accepts it
        /// first and never redirects it. Never 0.
        public var mark: UInt32 = 0x7068_6f6c
        /// The file of DoH resolvers' addresses rejected on 443 for governed
        /// apps, relative to `policy.lists_dir` unless absolute; nil: none.
        public var dohAddresses: String? = Self.defaultDoHAddresses

        /// The shipped list's file name, looked for in `policy.lists_dir`.
        public static let defaultDoHAddresses = "doh-addresses.cidr"
    }

    /// `[log]`.
    public struct Log: Sendable, Equatable {
        /// Lowest level logged.
        public var level: Logger.Level
        /// Where log messages go: stderr, the journal, or the journal when stderr is connected to it.
        public var target: LogTarget = .auto
    }

    /// `[server]` settings.
    public var server: Server
    /// `[upstream]` settings.
    public var upstream: Upstream
    /// `[cache]` settings.
    public var cache: Cache
    /// `[tcp]` settings.
    public var tcp: TCP
    /// `[attribution]` settings.
    public var attribution: Attribution
    /// `[policy]` settings.
    public var policy: Policy
    /// `[enforcement]` settings.
    public var enforcement: Enforcement
    /// `[log]` settings.
    public var log: Log
    /// `[querylog]` settings.
    public var queryLog = QueryLog()
    /// `[control]` settings.
    public var control = Control()
    /// `[varlink]` settings.
    public var varlink = Varlink()

    /// Every key at its default: what an empty config file gives.
    public static let defaults = DaemonConfig(
        server: Server(listen: [try! SocketAddressText(parsing: "127.0.0.153:53")]),
        upstream: Upstream(
            servers: [], resolvConf: "/etc/resolv.conf",
            attemptTimeout: .milliseconds(800), timeout: .seconds(2)
        ),
        cache: Cache(
            size: 10_000, minTTL: 0, maxTTL: 86_400, negativeMaxTTL: 3_600,
            serveStale: false, staleMaxAge: .seconds(86_400)
        ),
        tcp: TCP(idleTimeout: .seconds(10), maxConnections: 256, maxOutstandingPerClient: 64),
        attribution: Attribution(enabled: true),
        policy: Policy(
            enabled: true, profilesDir: "/etc/pinhole/apps.d", listsDir: PolicyLoader.defaultListsDirectory,
            blockReply: .null, blockTTL: 10, canaries: true, resolverDiscovery: true),
        enforcement: Enforcement(enabled: false, pinFloor: .seconds(3600), failClosed: false),
        log: Log(level: .info)
    )
}
