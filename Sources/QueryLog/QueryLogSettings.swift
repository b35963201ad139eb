import PinholeCore

/// How the query-log writer batches, bounds and prunes.
public struct QueryLogSettings: Sendable {
    /// A batch is committed at least this often while entries wait.
    public var batchInterval: Duration = .milliseconds(250)
    /// … or as soon as the window holds this many rows (repeats coalesced);
    /// the writer also wakes every this many queued entries to fold them in.
    public var batchSize = 2_000
    /// Entries held for the writer; past this the oldest are dropped (and counted).
    public var queueCapacity = 65_536
    /// Queries older than this are pruned; nil keeps them.
    public var maxAge: Duration? = .seconds(30 * 86_400)
    /// The database's used pages are kept below this (oldest queries pruned first); nil for no limit.
    public var maxBytes: Int64? = 1 << 30
    /// How often retention looks for work when it has none (it goes on after every batch while it has).
    public var pruneInterval: Duration = .seconds(10)
    /// Rows deleted per pruning step: small, so a step never holds up a batch for long.
    public var pruneStep = 5_000
    /// Names never logged (`example.com` and `*.example.com` cover example.com and every name under it; other globs match whole names).
    public var ignoredNames: [DomainPattern] = []
    /// Apps never logged: globs matched against the app key, unit, user unit and executable.
    public var ignoredApps: [Glob] = []
    /// Per-app opt-out and any other veto: entries it returns false for are not logged (runs on the writer thread).
    public var shouldLog: (@Sendable (QueryLogEntry) -> Bool)?
    /// How long a broken database (read-only, corrupt, missing directory) is left alone before the writer tries again.
    public var reopenInterval: Duration = .seconds(60)
    /// Called once each time logging stops working (and not again until a batch was written).
    public var onError: (@Sendable (QueryLogError) -> Void)?
    /// Wall-clock milliseconds since the epoch (tests set it).
    public var clock: @Sendable () -> Int64 = QueryLogSettings.wallClockMilliseconds

    public init() {}

    /// CLOCK_REALTIME in milliseconds.
    @Sendable public static func wallClockMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000 + Int64(time.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
import Glibc
#endif
