import Foundation
import GRDB
import PinholeCore

/// The query log's `QueryLogSink`: `record` puts the entry in a bounded
/// queue and returns (it never waits for the disk); a writer thread commits
/// batches (every `batchInterval` or `batchSize` entries), prunes by age and
/// size in small steps, and survives a database it cannot write by counting
/// what it loses and reporting it once through `onError`.
public final class QueryLogWriter: QueryLogSink, @unchecked Sendable {
    /// The database file.
    public let path: String
    private let settings: QueryLogSettings
    private let queue: EntryQueue
    private let inserter: BatchInserter
    private let retention: Retention
    private let prepare: (@Sendable (Database) throws -> Void)?
    private let thread: WriterThread
    private let checkpointer: Checkpointer

    // Counters the writer thread updates, read under `countersLock`.
    private let countersLock = NSLock()
    private var written: UInt64 = 0
    private var failed: UInt64 = 0
    private var ignored: UInt64 = 0
    private var pruned: UInt64 = 0

    // Writer-thread state.
    /// The rows of the window being collected, and when it ends (nil: no window open).
    private var pending = PendingRows()
    private var windowEnd: Date?
    private var database: DatabaseQueue?
    private var retryOpenAt = Date.distantPast
    private var failing = false
    private var nextPrune = Date.distantPast
    private var nextAnalyze = Date.distantPast
    private var nextTotals = Date.distantPast

    /// Starts the writer thread for the database at `path` (created when
    /// missing). `registrableDomain` gives a name's eTLD+1 (nil: the name
    /// itself is used); it runs on the writer thread. Never throws: a
    /// database that cannot be opened is reported through `onError` and
    /// retried every `reopenInterval`.
    public convenience init(path: String, settings: QueryLogSettings = QueryLogSettings(), registrableDomain: @escaping @Sendable (String) -> String?) {
        self.init(path: path, settings: settings, registrableDomain: registrableDomain, prepareDatabase: nil)
    }

    /// `prepareDatabase` runs on every new connection (tests use it to limit the file's size).
    init(path: String, settings: QueryLogSettings, registrableDomain: @escaping @Sendable (String) -> String?,
         prepareDatabase: (@Sendable (Database) throws -> Void)?) {
        self.path = path
        self.settings = settings
        queue = EntryQueue(capacity: settings.queueCapacity, wakeAt: settings.batchSize)
        inserter = BatchInserter(registrableDomain: registrableDomain)
        retention = Retention(maxAge: settings.maxAge, maxBytes: settings.maxBytes, step: max(1, settings.pruneStep))
        prepare = prepareDatabase
        thread = WriterThread()
        checkpointer = Checkpointer(path: path)
        thread.start { [self] in run() }
    }

    public var isEnabled: Bool { !queue.isClosing }

    /// Queues `entry`, stamped with the wall clock now; returns at once.
    public func record(_ entry: consuming QueryLogEntry) {
        queue.push(entry, milliseconds: settings.clock())
    }

    /// Queues `entry` stamped `milliseconds` since the epoch (imports, tests, the benchmark).
    public func record(_ entry: consuming QueryLogEntry, atMilliseconds milliseconds: Int64) {
        queue.push(entry, milliseconds: milliseconds)
    }

    /// Written, dropped, failed, ignored, queued and pruned so far.
    public var counters: QueryLogCounters {
        let snapshot = queue.snapshot
        countersLock.lock()
        defer { countersLock.unlock() }
        return QueryLogCounters(written: written, dropped: snapshot.dropped, failed: failed, ignored: ignored, queued: snapshot.queued, pruned: pruned)
    }

    /// Commits everything queued before the call (SIGTERM); waits at most
    /// `timeout`. Returns whether all of it was handled (written or counted as failed).
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        queue.waitUntilDrained(timeout: timeout)
    }

    /// Flushes, stops the writer thread and closes the database; `isEnabled`
    /// turns false. The thread keeps the writer alive until this is called.
    public func close(timeout: Duration = .seconds(10)) {
        flush(timeout: timeout)
        queue.close()
        thread.join()
    }

    // MARK: - Writer thread

    private func run() {
        while true {
            // A window starts with the first query taken into it. The writer
            // wakes every batchSize queued queries to coalesce them into the
            // window's rows (cheap, in memory), and commits the rows when the
            // window ends, when they reach batchSize rows, or on a flush: so
            // repeats coalesce over the whole window even under load, and a
            // kill -9 still loses at most the window being collected.
            let deadline = windowEnd ?? Date(timeIntervalSinceNow: settings.batchInterval.seconds)
            // Everything waiting is taken at once: under load a transaction
            // grows past batchSize, and each index page is written once for many rows.
            guard let (items, urgent) = queue.take(limit: settings.queueCapacity, deadline: deadline) else { break }
            if !items.isEmpty {
                collect(items)
                if windowEnd == nil && !pending.isEmpty { windowEnd = deadline }
            }
            if !pending.isEmpty && (urgent || pending.rows.count >= settings.batchSize || Date() >= deadline) { write() }
            prune()
            analyze()
        }
        if !pending.isEmpty { write() }
        if database != nil {
            // Fresh statistics for the next reader (cheap: analysis_limit).
            nextAnalyze = .distantPast
            analyze()
            checkpointer.stop()
            try? database?.close()
        }
        database = nil
    }

    /// Adds taken entries to the window's rows, minus those not to be logged (counted and finished now).
    private func collect(_ items: [EntryQueue.Item]) {
        // Indices, not a filtered copy, and entries borrowed through the
        // buffer: copying an entry retains each of its strings.
        let filters = !settings.ignoredNames.isEmpty || !settings.ignoredApps.isEmpty || settings.shouldLog != nil
        // No filter (the usual case): no look at the entries (each look copied one).
        let kept = !filters ? Array(items.indices) : items.withUnsafeBufferPointer { buffer in buffer.indices.filter { shouldLog(buffer[$0].entry) } }
        let skipped = items.count - kept.count
        if skipped > 0 {
            add(ignored: UInt64(skipped))
            queue.finish(skipped)
        }
        pending.add(items, at: kept)
    }

    /// Commits the window's rows in one transaction, or counts their queries
    /// as failed; either way they are finished and the next window starts.
    private func write() {
        let queries = pending.queries
        defer {
            pending.removeAll()
            windowEnd = nil
            queue.finish(queries)
        }
        let kept = (count: queries, rows: pending.rows.count)
        guard let database = openIfNeeded() else {
            add(failed: UInt64(kept.count))
            return
        }
        do {
            // Under load (more waiting already) the app/domain totals go out
            // at most once a second, in that batch's transaction: many batches
            // touch the same pairs. When the queue is idle they go with every batch.
            let writeTotals = Date() >= nextTotals || queue.snapshot.queued == 0
            try database.write { db in
                try inserter.insert(pending.rows, db)
                if writeTotals { try inserter.writeTotals(db) }
            }
            inserter.committed(wroteTotals: writeTotals)
            if writeTotals { nextTotals = Date(timeIntervalSinceNow: 1) }
            add(written: UInt64(kept.count))
            failing = false
        } catch {
            // The transaction rolled back: ids cached during it may not exist.
            inserter.forgetCaches()
            add(failed: UInt64(kept.count))
            report(QueryLogError(path: path, step: "insert batch of \(kept.rows) rows (\(kept.count) queries)", error))
            if let code = (error as? DatabaseError)?.resultCode, code != .SQLITE_FULL, code != .SQLITE_BUSY {
                // Read-only, corrupt, I/O error: close and try a fresh connection later.
                try? database.close()
                self.database = nil
                retryOpenAt = Date(timeIntervalSinceNow: settings.reopenInterval.seconds)
            }
        }
    }

    private func shouldLog(_ entry: borrowing QueryLogEntry) -> Bool {
        if !settings.ignoredNames.isEmpty {
            let name = StoredName.of(entry)
            if settings.ignoredNames.contains(where: { $0.matches(name) }) { return false }
        }
        if !settings.ignoredApps.isEmpty {
            let attribution = entry.attribution
            let candidates = [attribution.appKey, attribution.app?.unit, attribution.app?.userUnit, attribution.app?.executable].compactMap { $0 }
            if settings.ignoredApps.contains(where: { glob in candidates.contains(where: glob.matches) }) { return false }
        }
        guard let shouldLog = settings.shouldLog else { return true }
        return shouldLog(entry)
    }

    private func openIfNeeded() -> DatabaseQueue? {
        if let database { return database }
        guard Date() >= retryOpenAt else { return nil }
        do {
            database = try DatabaseFile.openForWriting(path: path, prepare: prepare)
            inserter.forgetCaches(andTotals: true)
            checkpointer.start()
            return database
        } catch {
            retryOpenAt = Date(timeIntervalSinceNow: settings.reopenInterval.seconds)
            report(error)
            return nil
        }
    }

    /// One retention step when one is due.
    private func prune() {
        guard settings.maxAge != nil || settings.maxBytes != nil, Date() >= nextPrune, let database else { return }
        do {
            let outcome = try database.write { db in try retention.runStep(db, now: settings.clock()) }
            if outcome.deletedInterned { inserter.forgetCaches() }
            if outcome.deletedQueries > 0 {
                countersLock.lock()
                pruned += UInt64(outcome.deletedQueries)
                countersLock.unlock()
            }
            // Backlog: the next step after the next batch; else wait.
            nextPrune = outcome.moreDue ? Date() : Date(timeIntervalSinceNow: settings.pruneInterval.seconds)
        } catch {
            inserter.forgetCaches()
            nextPrune = Date(timeIntervalSinceNow: settings.pruneInterval.seconds)
            report(QueryLogError(path: path, step: "prune", error))
        }
    }

    /// Refreshes the planner's statistics hourly (choosing between the app
    /// and domain indexes needs them). analysis_limit keeps it to
    /// milliseconds on a big table, so it never holds up batches.
    private func analyze() {
        guard Date() >= nextAnalyze, let database else { return }
        nextAnalyze = Date(timeIntervalSinceNow: 3_600)
        do {
            try database.write { db in
                try db.execute(sql: "PRAGMA analysis_limit = 1000")
                try db.execute(sql: "ANALYZE")
            }
        } catch {
            report(QueryLogError(path: path, step: "analyze", error))
        }
    }

    /// Reports the first error of a failing spell; later ones only count.
    private func report(_ error: QueryLogError) {
        guard !failing else { return }
        failing = true
        settings.onError?(error)
    }

    private func add(written more: UInt64 = 0, failed lost: UInt64 = 0, ignored skipped: UInt64 = 0) {
        countersLock.lock()
        written += more
        failed += lost
        ignored += skipped
        countersLock.unlock()
    }
}
