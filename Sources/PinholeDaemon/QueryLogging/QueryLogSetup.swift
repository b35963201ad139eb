import Logging
import PinholeCore
import QueryLog

/// The query log's parts in the daemon: the database writer (when
/// `[querylog]` is on), the live followers of the control socket, the
/// per-query log line, and the fan-out the pipeline reports to.
struct QueryLogSetup {
    let writer: QueryLogWriter?
    let followers: QueryFollowers
    let fanout: QueryLogFanout
    let registrableDomain: @Sendable (String) -> String?

    /// Starts the writer (it opens the database on its own thread; a failure
    /// there is logged and counted, never fatal).
    static func start(_ config: DaemonConfig.QueryLog, logger: Logger) -> QueryLogSetup {
        let registrableDomain = Self.registrableDomain(logger: logger)
        var writer: QueryLogWriter?
        if config.enabled {
            var settings = config.writerSettings
            let path = config.path
            settings.onError = { error in
                logger.warning(
                    "query log: not logging (DNS keeps answering; lost entries are counted, the database is retried every minute)",
                    metadata: ["path": "\(path)", "error": "\(error)"])
            }
            // Per-app opt-out: the profile's `log = false`.
            settings.shouldLog = { entry in entry.decision?.logged ?? true }
            writer = QueryLogWriter(path: path, settings: settings, registrableDomain: registrableDomain)
            logger.info("query log on", metadata: ["path": "\(path)"])
        } else {
            logger.notice("query log off (querylog.enabled = false)")
        }
        let followers = QueryFollowers()
        // The database keeps the record: then the line is for debugging only.
        let line = QueryLogLine(logger: logger, level: writer == nil ? .info : .debug)
        let sinks: [any QueryLogSink] = (writer.map { [$0] } ?? []) + [followers, line]
        return QueryLogSetup(writer: writer, followers: followers, fanout: QueryLogFanout(sinks), registrableDomain: registrableDomain)
    }

    /// eTLD+1 by the Public Suffix List; the name itself when libpsl has no list.
    private static func registrableDomain(logger: Logger) -> @Sendable (String) -> String? {
        guard let psl = RegistrableDomain() else {
            logger.warning("no Public Suffix List (libpsl): the query log groups by whole names instead of registrable domains")
            return { _ in nil }
        }
        return { name in PolicyName(name).flatMap { psl.registrable($0)?.text } }
    }
}
