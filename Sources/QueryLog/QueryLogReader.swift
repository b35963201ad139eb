import Foundation
import GRDB
import PinholeCore

/// Reads the query log for the CLI over a read-only connection: filtered
/// pages of queries (newest first), the apps seen, and one app's domains.
public final class QueryLogReader: Sendable {
    public let path: String
    private let database: DatabaseQueue

    /// Opens the database at `path` read-only; throws when it is missing,
    /// unreadable or of another schema version.
    public init(path: String) throws(QueryLogError) {
        self.path = path
        database = try DatabaseFile.openForReading(path: path)
    }

    /// Up to `limit` queries matching `filter`, newest first, older than the
    /// row `before` (the last `id` of the previous page) when given.
    public func entries(filter: QueryFilter = QueryFilter(), limit: Int = 50, before: Int64? = nil) throws(QueryLogError) -> [LoggedQuery] {
        try read("select queries") { db in
            guard let conditions = try QueryConditions.make(filter, db) else { return [] }
            var sql = LoggedQueryRow.select
            var arguments = conditions.arguments
            var clauses = conditions.clauses
            if let before {
                clauses.append("q.id < ?")
                arguments += [before]
            }
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY q.id DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(LoggedQueryRow.decode)
        }
    }

    /// Every app with kept queries, most recently seen first.
    public func apps() throws(QueryLogError) -> [AppSummary] {
        try read("summarize apps") { db in
            var latest: [Int64: (unit: String, userUnit: String, exe: String)] = [:]
            let identities = try Row.fetchCursor(db, sql: """
                SELECT app_id, unit, user_unit, exe FROM identities WHERE id IN (SELECT max(id) FROM identities GROUP BY app_id)
                """)
            while let row = try identities.next() { latest[row[0]] = (row[1], row[2], row[3]) }
            return try Row.fetchAll(db, sql: """
                SELECT t.app_id, a.key, sum(t.queries), sum(t.blocked), min(t.first_seen), max(t.last_seen), count(*)
                FROM app_domains t JOIN apps a ON a.id = t.app_id
                GROUP BY t.app_id ORDER BY max(t.last_seen) DESC
                """).map { row in
                let identity = latest[row[0]]
                return AppSummary(
                    key: row[1], unit: identity?.unit.nonEmpty, userUnit: identity?.userUnit.nonEmpty, executable: identity?.exe.nonEmpty,
                    firstSeen: row[4], lastSeen: row[5], queries: row[2], blocked: row[3], domains: row[6])
            }
        }
    }

    /// The registrable domains `app` (key, unit or executable) asked for,
    /// most queries first; only queries from `since` (ms) on when given.
    public func domains(app: String, since: Int64? = nil) throws(QueryLogError) -> [DomainSummary] {
        try read("summarize domains of \(app)") { db in
            let ids = try QueryConditions.appIDs(app, db)
            guard !ids.isEmpty else { return [] }
            let list = QueryConditions.jsonList(ids)
            let rows: [Row]
            if let since {
                rows = try Row.fetchAll(db, sql: """
                    SELECT d.domain, sum(q.count), sum((q.decision = 2) * q.count), min(q.id), max(q.id + (coalesce(q.span_ms, 0) << 10))
                    FROM queries q JOIN domains d ON d.id = q.domain_id
                    WHERE q.app_id IN (SELECT value FROM json_each(?)) AND q.id >= ?
                    GROUP BY q.domain_id ORDER BY sum(q.count) DESC, d.domain
                    """, arguments: [list, QueryID.first(atMilliseconds: since)])
                return rows.map { row in
                    DomainSummary(domain: row[0], queries: row[1], blocked: row[2],
                                  firstSeen: QueryID.milliseconds(of: row[3]), lastSeen: QueryID.milliseconds(of: row[4]))
                }
            }
            rows = try Row.fetchAll(db, sql: """
                SELECT d.domain, sum(t.queries), sum(t.blocked), min(t.first_seen), max(t.last_seen)
                FROM app_domains t JOIN domains d ON d.id = t.domain_id
                WHERE t.app_id IN (SELECT value FROM json_each(?))
                GROUP BY t.domain_id ORDER BY sum(t.queries) DESC, d.domain
                """, arguments: [list])
            return rows.map { row in
                DomainSummary(domain: row[0], queries: row[1], blocked: row[2], firstSeen: row[3], lastSeen: row[4])
            }
        }
    }

    /// Queries logged: the sum of the rows' counts (a full scan: for tests
    /// and the benchmark, not the CLI's hot path).
    public func count() throws(QueryLogError) -> Int {
        try read("count queries") { db in try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM queries") ?? 0 }
    }

    /// Rows in `queries` (repeats within a batch window share one).
    public func rowCount() throws(QueryLogError) -> Int {
        try read("count rows") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM queries") ?? 0 }
    }

    private func read<T>(_ step: String, _ body: (Database) throws -> T) throws(QueryLogError) -> T {
        do {
            return try database.read(body)
        } catch let error as QueryLogError {
            throw error
        } catch {
            throw QueryLogError(path: path, step: step, error)
        }
    }
}

extension String {
    /// nil for "".
    var nonEmpty: String? { isEmpty ? nil : self }
}
