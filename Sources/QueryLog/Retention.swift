import GRDB

/// Pruning by age and size, one small step at a time on the writer's
/// connection: the oldest queries go first (they are the first rowids), the
/// `app_domains` totals are reduced by what goes, and names and processes no
/// kept query can refer to any more are removed.
struct Retention {
    var maxAge: Duration?
    var maxBytes: Int64?
    var step: Int

    /// What one step did.
    struct Outcome {
        /// Queries deleted (the sum of the deleted rows' counts).
        var deletedQueries = 0
        /// Names or processes were deleted: the writer's id caches are stale.
        var deletedInterned = false
        /// More is due: run another step soon.
        var moreDue = false
    }

    /// Deletes at most `step` queries that are too old, or the oldest when
    /// the database is over its size, then what they leave unreferenced.
    func runStep(_ db: Database, now milliseconds: Int64) throws -> Outcome {
        var outcome = Outcome()
        var bound: Int64?  // delete ids below this
        if let maxAge {
            let cutoff = QueryID.first(atMilliseconds: milliseconds - Int64(maxAge.seconds * 1_000))
            if try Int64.fetchOne(db, sql: "SELECT id FROM queries WHERE id < ? LIMIT 1", arguments: [cutoff]) != nil {
                bound = cutoff
            }
        }
        if bound == nil, let maxBytes, try usedBytes(db) > maxBytes {
            // Over size: the oldest step's worth, whatever their age.
            bound = Int64.max
        }
        guard var upper = bound else { return outcome }
        // Cap the step: the id of the step-th oldest row, when there are that many below the bound.
        if let stepEnd = try Int64.fetchOne(
            db, sql: "SELECT id FROM queries WHERE id < ? ORDER BY id LIMIT 1 OFFSET ?", arguments: [upper, step])
        {
            upper = stepEnd
            outcome.moreDue = true
        }
        // Reduce the totals by the rows about to go, then drop totals of pairs left with none.
        try db.execute(sql: """
            WITH gone AS (
                SELECT app_id, domain_id, sum(count) AS n, sum((decision = 2) * count) AS b FROM queries WHERE id < ? GROUP BY app_id, domain_id)
            UPDATE app_domains SET queries = app_domains.queries - gone.n, blocked = app_domains.blocked - gone.b
            FROM gone WHERE app_domains.app_id = gone.app_id AND app_domains.domain_id = gone.domain_id
            """, arguments: [upper])
        try db.execute(sql: "DELETE FROM app_domains WHERE queries <= 0")
        // Queries, not rows: a coalesced row holds `count` of them.
        let goneQueries = try Int.fetchOne(db, sql: "SELECT sum(count) FROM queries WHERE id < ?", arguments: [upper]) ?? 0
        try db.execute(sql: "DELETE FROM queries WHERE id < ?", arguments: [upper])
        outcome.deletedQueries = db.changesCount > 0 ? goneQueries : 0
        // Everything kept is at or after this time.
        let oldestKept = try Int64.fetchOne(db, sql: "SELECT min(id) FROM queries").map(QueryID.milliseconds(of:)) ?? milliseconds
        try db.execute(sql: "UPDATE app_domains SET first_seen = ? WHERE first_seen < ?", arguments: [oldestKept, oldestKept])
        // A last_seen older than the oldest kept query by more than the
        // writer's resolution means no kept query names it.
        let unused = oldestKept - BatchInserter.lastSeenResolution
        try db.execute(sql: "DELETE FROM names WHERE last_seen < ?", arguments: [unused])
        var interned = db.changesCount
        try db.execute(sql: "DELETE FROM processes WHERE last_seen < ?", arguments: [unused])
        interned += db.changesCount
        outcome.deletedInterned = interned > 0
        if !outcome.moreDue, outcome.deletedQueries > 0, let maxBytes, try usedBytes(db) > maxBytes { outcome.moreDue = true }
        return outcome
    }

    /// Bytes in pages that hold data (free pages are reused before the file grows).
    func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }
}
