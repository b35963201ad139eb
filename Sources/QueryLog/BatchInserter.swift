import Foundation
import GRDB
import GRDBSQLite
import PinholeCore

/// Turns entries into `queries` rows on the writer's connection: interns
/// apps, identities, processes, names, domains, reasons, chains and sources
/// (each looked up in memory first, so a steady stream costs no more than
/// the row's share of a multi-row INSERT), assigns time-ordered ids, and keeps the `app_domains` totals.
/// Repeats within one window (same `RepeatKey`) are one row with a
/// `count` (see `PendingRows`); a row never spans two commits.
/// Used by the writer thread only.
///
/// A row from a known process and name costs a few cheap hash lookups
/// (`ProcessKey`, `WireName`, `ReasonKey`, the source) and a 32nd of an
/// INSERT bound through the C API; the string-keyed caches in `+Interning`
/// are the slow path.
final class BatchInserter {
    let registrableDomain: @Sendable (String) -> String?
    // Slow path: keyed by what the tables are unique on.
    var apps: [String: Int64] = [:]
    var identities: [StoredIdentity: Int64] = [:]
    var processes: [StoredProcess: (id: Int64, lastSeen: Int64)] = [:]
    var names: [String: (id: Int64, domainID: Int64, lastSeen: Int64)] = [:]
    var domains: [String: Int64] = [:]
    var reasons: [StoredReason: Int64] = [:]
    var chains: [String: Int64] = [:]
    var sources: [String: Int64] = [:]
    // Fast path: keyed by what an entry carries.
    private var recentProcesses: [ProcessKey: ResolvedProcess] = [:]
    private var wireNames: [WireName: (id: Int64, domainID: Int64, lastSeen: Int64)] = [:]
    private var decisionReasons: [ReasonKey: Int64] = [:]
    /// The reason of the last row (of `decisionReasons`).
    private var lastReason: (key: ReasonKey, id: Int64)?
    private var answerSources: [AnswerSource: Int64] = [:]
    /// The addresses blob of the row being inserted (reused).
    private var addressBuffer: [UInt8] = []
    /// The last id used; the next is later (unless the clock stepped back a lot).
    private var lastID: Int64 = 0
    /// Totals of committed rows not yet added to `app_domains`.
    private var pendingTotals: [AppDomain: Totals] = [:]
    /// Totals of the batch being written.
    private var batchTotals: [AppDomain: Totals] = [:]

    /// How stale a `last_seen` may get before it is written again (bounds
    /// the writes per name to one an hour; retention allows for it).
    static let lastSeenResolution: Int64 = 3_600_000

    static let insertSQL = """
        INSERT INTO queries(id, app_id, process_id, name_id, domain_id, qtype, rcode, decision, reason_id, addresses, chain_id, source_id, latency_us, flags, count, span_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    struct AppDomain: Hashable {
        var app: Int64
        var domain: Int64
    }

    struct Totals {
        var queries: Int64 = 0
        var blocked: Int64 = 0
        var first = Int64.max
        var last = Int64.min

        mutating func add(queries more: Int64, blocked moreBlocked: Int64, first earliest: Int64, last latest: Int64) {
            queries += more
            blocked += moreBlocked
            first = min(first, earliest)
            last = max(last, latest)
        }

        mutating func add(_ other: Totals) {
            add(queries: other.queries, blocked: other.blocked, first: other.first, last: other.last)
        }
    }

    init(registrableDomain: @escaping @Sendable (String) -> String?) {
        self.registrableDomain = registrableDomain
    }

    /// Forgets every id held in memory (after a rolled-back batch or pruned
    /// names); `andTotals` also drops totals not yet written (another file was opened).
    func forgetCaches(andTotals: Bool = false) {
        if andTotals { pendingTotals = [:] }
        batchTotals = [:]
        apps = [:]
        identities = [:]
        processes = [:]
        names = [:]
        domains = [:]
        reasons = [:]
        chains = [:]
        sources = [:]
        recentProcesses = [:]
        wireNames = [:]
        decisionReasons = [:]
        lastReason = nil
        answerSources = [:]
        lastID = 0
    }

    /// Inserts `rows` (one window's, coalesced by `PendingRows`) in the caller's transaction.
    func insert(_ rows: [PendingRow], _ db: Database) throws {
        if lastID == 0 { lastID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM queries") ?? 0 }
        // One lookup per batch: GRDB's cache hashes the whole SQL text.
        let single = RawStatement(try db.cachedStatement(sql: Self.insertSQL))
        var start = rows.startIndex
        if rows.count >= Self.chunkRows {
            let chunk = RawStatement(try db.cachedStatement(sql: Self.chunkSQL))
            while rows.endIndex - start >= Self.chunkRows {
                try insertChunk(rows[start..<start + Self.chunkRows], chunk, single, db)
                start += Self.chunkRows
            }
        }
        for index in start..<rows.endIndex { try insertOne(rows[index], single, db) }
    }

    /// Rows per multi-row INSERT: a statement's fixed cost (begin, halt,
    /// reset: about a third of a row's instructions in one-row statements)
    /// is shared by this many rows. 32 × 16 parameters is far below SQLite's limit.
    static let chunkRows = 32

    /// OR FAIL: a used id stops the statement with the rows before it kept.
    /// With the default ABORT, SQLite keeps a statement journal to undo a
    /// multi-row statement: a copy of every page it touches, written to a
    /// temporary file (20 times the writes of the rows themselves).
    static let chunkSQL = insertSQL.replacingOccurrences(of: "INSERT INTO", with: "INSERT OR FAIL INTO") + String(repeating: ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunkRows - 1)

    /// Inserts `rows` (`chunkRows` of them) in one statement; when an id is
    /// taken (the clock stepped back onto used ids) the statement stops
    /// there, and the rest go one by one, each to the next free id.
    private func insertChunk(_ rows: ArraySlice<PendingRow>, _ chunk: RawStatement, _ single: RawStatement, _ db: Database) throws {
        var keys: [(AppDomain, blocked: Bool)] = []
        keys.reserveCapacity(rows.count)
        var ids: [Int64] = []
        ids.reserveCapacity(rows.count)
        // By index, not `for row in rows`: that copies (retains) every field of each row.
        for index in rows.indices {
            let offset = Int32(index - rows.startIndex) * Self.columns
            keys.append(try bind(rows[index], chunk, offset: offset, db))
            lastID = nextID(rows[index].first)
            ids.append(lastID)
            chunk.bind(offset + 1, lastID)
        }
        var inserted = rows.count
        do {
            try chunk.execute(db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            // OR FAIL kept the rows before the used id (SQLite inserts them in order).
            inserted = min(max(0, Int(db.sqliteConnection.map { sqlite3_changes($0) } ?? 0)), rows.count)
            lastID = inserted > 0 ? ids[inserted - 1] : ids[0] - 1
        }
        for index in rows.startIndex..<rows.startIndex + inserted {
            let key = keys[index - rows.startIndex]
            addTotals(rows[index], key.0, blocked: key.blocked)
        }
        for index in rows.startIndex + inserted..<rows.endIndex { try insertOne(rows[index], single, db) }
    }

    /// Inserts one row alone, at the next free id.
    private func insertOne(_ row: borrowing PendingRow, _ statement: RawStatement, _ db: Database) throws {
        let key = try bind(row, statement, offset: 0, db)
        var id = nextID(row.first)
        // A clock that stepped back can land on ids already used: take the next free one.
        while true {
            statement.bind(1, id)
            do {
                try statement.execute(db)
                break
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                id += 1
            }
        }
        lastID = id
        addTotals(row, key.0, blocked: key.blocked)
    }

    /// Parameters per row in `insertSQL`.
    static let columns: Int32 = 16

    /// Binds everything of `row` but its id (parameter `offset + 1`) to
    /// parameters `offset + 2…16`: `entry` (the first of `row`'s queries)
    /// and its repeats. Returns the row's `app_domains` key.
    private func bind(_ row: borrowing PendingRow, _ statement: RawStatement, offset: Int32, _ db: Database) throws -> (AppDomain, blocked: Bool) {
        let milliseconds = row.first
        let process = try resolveProcess(row.entry, milliseconds: milliseconds, db)
        let name = try resolveName(row.entry, milliseconds: milliseconds, db)
        let decision: Decision = row.entry.decision.map { $0.allowed ? .allowed : .blocked } ?? .none
        let reason = try row.entry.decision.map { try resolveReason($0, db) }
        let answer = row.answer
        let chain = try answer.aliases.isEmpty ? nil : chainID(answer.aliases.map(\.text).joined(separator: " "), db)
        let source = try resolveSource(row.entry.source, db)
        var flags: Int64 = QueryFlags.transport(row.entry.request.transport)
        switch row.entry.source {
        case .cache, .stale: flags |= QueryFlags.cached
        default: break
        }
        AddressBlob.encode(answer.addresses, into: &addressBuffer)
        statement.bind(offset + 2, process.appID)
        statement.bind(offset + 3, process.processID)
        statement.bind(offset + 4, name.id)
        statement.bind(offset + 5, name.domainID)
        statement.bind(offset + 6, Int64(row.entry.request.query.question.type))
        statement.bind(offset + 7, Int64(row.entry.rcode))
        statement.bind(offset + 8, decision.rawValue)
        statement.bind(offset + 9, reason)
        statement.bind(offset + 10, blob: addressBuffer)
        statement.bind(offset + 11, chain)
        statement.bind(offset + 12, source)
        statement.bind(offset + 13, Int64(row.latencyNanoseconds / 1_000))
        statement.bind(offset + 14, flags)
        statement.bind(offset + 15, row.count)
        statement.bind(offset + 16, row.count > 1 ? row.last - row.first : nil)
        return (AppDomain(app: process.appID, domain: name.domainID), decision == .blocked)
    }

    /// Counts an inserted row in this batch's `app_domains` totals.
    private func addTotals(_ row: borrowing PendingRow, _ key: AppDomain, blocked: Bool) {
        batchTotals[key, default: Totals()].add(queries: row.count, blocked: blocked ? row.count : 0, first: row.first, last: row.last)
    }

    /// The app and process ids of the entry's attribution: from
    /// `recentProcesses` while the identity is unchanged and `last_seen` fresh.
    private func resolveProcess(_ entry: QueryLogEntry, milliseconds: Int64, _ db: Database) throws -> ResolvedProcess {
        let attribution = entry.attribution
        let key = ProcessKey(attribution)
        if let known = recentProcesses[key], milliseconds - known.lastSeen < Self.lastSeenResolution, known.matches(attribution.app) {
            return known
        }
        let identity = StoredIdentity(attribution)
        let appID = try app(identity.key, db)
        let identityRow = try identityID(identity, appID: appID, db)
        let process = try processID(attribution, identityID: identityRow, milliseconds: milliseconds, db)
        let resolved = ResolvedProcess(app: attribution.app, appID: appID, processID: process.id, lastSeen: process.lastSeen)
        recentProcesses[key] = resolved
        return resolved
    }

    /// The name and domain ids of the question, by its wire bytes while `last_seen` is fresh.
    private func resolveName(_ entry: QueryLogEntry, milliseconds: Int64, _ db: Database) throws -> (id: Int64, domainID: Int64) {
        let wire = WireName(bytes: entry.request.query.question.name)
        if let known = wireNames[wire], milliseconds - known.lastSeen < Self.lastSeenResolution {
            return (known.id, known.domainID)
        }
        let name = try nameID(StoredName.of(entry), milliseconds: milliseconds, db)
        wireNames[wire] = name
        return (name.id, name.domainID)
    }

    private func resolveReason(_ decision: PolicyDecision, _ db: Database) throws -> Int64 {
        let key = ReasonKey(decision)
        // Most rows carry the previous row's reason (policy hands out shared
        // values): comparing costs a tenth of hashing the strings.
        if let last = lastReason, last.key == key { return last.id }
        let id: Int64
        if let known = decisionReasons[key] {
            id = known
        } else {
            id = try reasonID(StoredReason(decision), db)
            decisionReasons[key] = id
        }
        lastReason = (key, id)
        return id
    }

    private func resolveSource(_ source: AnswerSource, _ db: Database) throws -> Int64 {
        if let id = answerSources[source] { return id }
        let id = try intern(&sources, source.description, db, sql: "INSERT INTO sources(source) VALUES (?) ON CONFLICT(source) DO UPDATE SET source = excluded.source RETURNING id")
        answerSources[source] = id
        return id
    }

    /// Adds the totals of earlier batches and this one to `app_domains`
    /// (in this batch's transaction); call `committed(wroteTotals:)` after the commit.
    func writeTotals(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO app_domains(app_id, domain_id, queries, blocked, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(app_id, domain_id) DO UPDATE SET queries = queries + excluded.queries, blocked = blocked + excluded.blocked,
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """)
        var all = pendingTotals
        for (key, total) in batchTotals { all[key, default: Totals()].add(total) }
        for (key, total) in all {
            try statement.execute(arguments: [key.app, key.domain, total.queries, total.blocked, total.first, total.last])
        }
    }

    /// The batch was committed; its totals were written with it, or wait for a later batch.
    func committed(wroteTotals: Bool) {
        if wroteTotals {
            pendingTotals = [:]
        } else {
            for (key, total) in batchTotals { pendingTotals[key, default: Totals()].add(total) }
        }
        batchTotals = [:]
    }

    /// Later than the last id, at `milliseconds` when the clock allows; a
    /// step back of more than a minute restarts at the clock's time.
    private func nextID(_ milliseconds: Int64) -> Int64 {
        let stamped = QueryID.first(atMilliseconds: milliseconds)
        if stamped > lastID { return stamped }
        if QueryID.milliseconds(of: lastID) - milliseconds > 60_000 { return stamped }
        return lastID + 1
    }
}

/// Bits of `queries.flags`.
enum QueryFlags {
    /// The query came over TCP (else UDP).
    static let tcp: Int64 = 1
    /// Answered from the cache (fresh or stale).
    static let cached: Int64 = 2
    /// The query came as a varlink call (io.systemd.Resolve), not a DNS packet.
    static let varlink: Int64 = 4

    /// The transport bits of `transport`.
    static func transport(_ transport: ClientTransport) -> Int64 {
        switch transport {
        case .udp: return 0
        case .tcp: return tcp
        case .varlink: return varlink
        }
    }

    /// The transport `flags` record.
    static func transport(of flags: Int64) -> ClientTransport {
        if flags & varlink != 0 { return .varlink }
        return flags & tcp != 0 ? .tcp : .udp
    }
}
