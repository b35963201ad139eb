import PinholeCore

/// One row of the query log, with everything interned resolved.
public struct LoggedQuery: Sendable, Hashable {
    /// The row id; pass it as `before` to read the next (older) page.
    public var id: Int64
    /// When it was logged, in ms since the epoch.
    public var milliseconds: Int64
    public var appKey: String
    /// 0 when the query was not attributed.
    public var pid: Int32
    /// nil when unknown.
    public var uid: UInt32?
    public var userName: String?
    public var executable: String?
    public var executableState: ExecutableState?
    public var unit: String?
    public var userUnit: String?
    public var slice: String?
    public var cgroupPath: String?
    public var flatpakID: String?
    public var snapName: String?
    public var commandLine: [String]
    public var ancestors: [ProcessAncestor]
    /// Why no process was found, for the app `unknown`.
    public var unattributed: UnattributedReason?
    /// Lowercase, no trailing dot.
    public var name: String
    /// The registrable domain (eTLD+1) the writer was given for `name`.
    public var registrableDomain: String
    public var qtype: UInt16
    public var rcode: UInt16
    public var decision: Decision
    /// The policy's reason, when policy decided.
    public var reason: Reason?
    public var addresses: [IPAddress]
    /// CNAME targets in answer order.
    public var cnameChain: [String]
    /// "cache", "stale", "upstream 192.0.2.1:53", "synthesized (…)".
    public var source: String
    /// The slowest of the row's queries.
    public var latencyMicroseconds: Int64
    public var cached: Bool
    public var transport: ClientTransport
    /// Queries this row stands for: repeats within one batch window (same
    /// process, name, type, decision and reason, rcode and answer) share a row.
    public var count: Int64 = 1
    /// ms from the first of them (`milliseconds`) to the last; 0 for one query.
    public var spanMilliseconds: Int64 = 0

    /// When the last of the row's queries was logged, in ms since the epoch.
    public var lastMilliseconds: Int64 { milliseconds + spanMilliseconds }

    /// The decision's reason as stored.
    public struct Reason: Sendable, Hashable {
        /// "profile deny", "list entry", "mode default", "cname", …
        public var kind: String
        /// The whole reason ("list entry ||ads.example^ (list ads (/etc/pinhole/lists/ads.txt:12))").
        public var text: String
        public var profile: String
        public var mode: String
        /// The rule as written, its file, line and list, when a rule decided.
        public var rule: String?
        public var file: String?
        public var line: Int?
        public var list: String?
    }
}
