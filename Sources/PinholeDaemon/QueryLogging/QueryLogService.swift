import Logging
import QueryLog
import ServiceLifecycle

/// Owns the query-log writer for the daemon's lifetime: warns every
/// `reportInterval` while entries are being dropped or failing, and on
/// graceful shutdown (after the listeners closed) flushes what is queued,
/// closes the database and logs the counters.
struct QueryLogService: Service {
    let writer: QueryLogWriter
    let logger: Logger
    var reportInterval: Duration = .seconds(300)

    func run() async throws {
        var reported = writer.counters
        // Sleeps end early on shutdown (cancelOnGracefulShutdown).
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: reportInterval) }
            } catch {
                break
            }
            let now = writer.counters
            if now.dropped > reported.dropped || now.failed > reported.failed {
                logger.warning("query log is losing entries; DNS keeps answering", metadata: Self.metadata(now, path: writer.path))
            }
            reported = now
        }
        writer.close(timeout: .seconds(10))
        logger.notice("query log closed", metadata: Self.metadata(writer.counters, path: writer.path))
    }

    static func metadata(_ counters: QueryLogCounters, path: String) -> Logger.Metadata {
        [
            "path": "\(path)", "written": "\(counters.written)", "dropped": "\(counters.dropped)",
            "failed": "\(counters.failed)", "ignored": "\(counters.ignored)", "queued": "\(counters.queued)",
        ]
    }
}
