import PinholeCore
import QueryLog

extension DaemonConfig {
    /// `[querylog]`: the query-log database (see deploy/pinhole.toml).
    public struct QueryLog: Sendable, Equatable {
        /// Log every answered query to the database.
        public var enabled = true
        /// The SQLite file (flag `--query-log`).
        public var path = "/var/lib/pinhole/queries.sqlite"
        /// Older queries are pruned; nil keeps them.
        public var maxAge: Duration? = .seconds(30 * 86_400)
        /// The database is kept below this many bytes; nil for no limit.
        public var maxSize: Int64? = 1 << 30
        /// A batch is committed at least this often.
        public var batchInterval: Duration = .milliseconds(250)
        /// … or as soon as this many entries wait.
        public var batchSize = 2_000
        /// Entries held for the writer; past this the oldest are dropped and counted.
        public var queue = 65_536
        /// Names never logged.
        public var ignoreNames: [DomainPattern] = []
        /// Apps never logged (globs over app key, unit, user unit, executable).
        public var ignoreApps: [Glob] = []
    }

    /// `[control]`: the control socket (`pinhole log --follow`, status).
    public struct Control: Sendable, Equatable {
        /// The Unix stream socket pinholed listens on (flag `--control-socket`).
        public var socket = Control.defaultSocket
        /// Who may read (status, the live log) besides root: a group name or numeric gid.
        public var readGroup = "pinhole"
        /// Who may change policy (reload, allow, deny, mode) besides root; nil: root only.
        public var adminGroup: String?
        /// Where pinholed and the CLI look by default.
        public static let defaultSocket = "/run/pinhole/control.sock"
    }
}

extension DaemonConfig.QueryLog {
    /// The writer's settings for these keys (callbacks left to the caller).
    public var writerSettings: QueryLogSettings {
        var settings = QueryLogSettings()
        settings.batchInterval = batchInterval
        settings.batchSize = batchSize
        settings.queueCapacity = queue
        settings.maxAge = maxAge
        settings.maxBytes = maxSize
        settings.ignoredNames = ignoreNames
        settings.ignoredApps = ignoreApps
        return settings
    }
}
