import PinholeCore

// The writer's per-row cache keys: cheap to hash, so a steady stream of
// rows from known processes and names never builds or hashes the strings
// the interned tables are keyed by.

/// A process lifetime and uid as the attribution gives them (no strings);
/// the cached entry is checked against the identity's fields, which are
/// equal by reference when the attribution cache handed out the same value.
struct ProcessKey: Hashable {
    var pid: Int32
    var startTime: UInt64
    /// -1 when unknown.
    var uid: Int64
    /// Why there is no app (nil: attributed).
    var unattributed: UnattributedReason?

    init(_ attribution: Attribution) {
        let app = attribution.app
        pid = app?.pid ?? 0
        startTime = app?.startTime ?? 0
        uid = app.map { Int64($0.uid) } ?? attribution.socket.map { Int64($0.uid) } ?? -1
        unattributed = app == nil ? (attribution.reason ?? .disabled) : nil
    }

    /// The key of `entry`'s attribution, read field by field in place:
    /// `entry.attribution` would copy (retain) every string of the identity,
    /// once per query on the writer thread.
    init(of entry: borrowing QueryLogEntry) {
        pid = entry.request.attribution?.app?.pid ?? 0
        startTime = entry.request.attribution?.app?.startTime ?? 0
        if let uid = entry.request.attribution?.app?.uid {
            self.uid = Int64(uid)
        } else {
            uid = entry.request.attribution?.socket.map { Int64($0.uid) } ?? -1
        }
        let attributed = entry.request.attribution?.app?.pid != nil
        unattributed = attributed ? nil : (entry.request.attribution?.reason ?? .disabled)
    }
}

/// The ids one process resolved to, and the identity they were resolved for.
struct ResolvedProcess {
    var app: AppIdentity?
    var appID: Int64
    var processID: Int64
    /// When `processes.last_seen` was last written.
    var lastSeen: Int64

    /// Whether `other` has the fields `identities` stores (the key covers pid, start time and uid).
    func matches(_ other: AppIdentity?) -> Bool {
        guard let app, let other else { return app == nil && other == nil }
        // The attribution cache hands out the same value: `==` is then one
        // pointer comparison (shared storage), not nine string comparisons.
        if app == other { return true }
        return app.key == other.key && app.executable == other.executable && app.executableState == other.executableState
            && app.cgroupPath == other.cgroupPath && app.unit == other.unit && app.userUnit == other.userUnit
            && app.slice == other.slice && app.flatpakID == other.flatpakID && app.snapName == other.snapName
    }
}

/// A question name as it came on the wire (case as sent), hashed as bytes.
struct WireName: Hashable {
    var bytes: [UInt8]

    static func == (lhs: WireName, rhs: WireName) -> Bool { lhs.bytes == rhs.bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// A decision's stored reason by value: hashing it is cheaper than
/// formatting the reason's text for `StoredReason` on every row.
struct ReasonKey: Hashable {
    var profile: String
    var mode: PolicyMode
    var reason: DecisionReason

    init(_ decision: PolicyDecision) {
        profile = decision.profile
        mode = decision.mode
        reason = decision.reason
    }
}
