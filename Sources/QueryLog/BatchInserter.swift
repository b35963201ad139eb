import Foundation
import GRDB
import PinholeCore

/// Turns entries into `queries` rows on the writer's connection: interns
/// apps, identities, processes, names, domains, reasons, chains and sources
/// (each looked up in memory first, so a steady stream costs one INSERT per
/// query), assigns time-ordered ids, and keeps the `app_domains` totals.
/// Used by the writer thread only.
final class BatchInserter {
    private let registrableDomain: @Sendable (String) -> String?
    private var apps: [String: Int64] = [:]
    private var identities: [StoredIdentity: Int64] = [:]
    private var processes: [StoredProcess: (id: Int64, lastSeen: Int64)] = [:]
    private var names: [String: (id: Int64, domainID: Int64, lastSeen: Int64)] = [:]
    private var domains: [String: Int64] = [:]
    private var reasons: [StoredReason: Int64] = [:]
    private var chains: [String: Int64] = [:]
    private var sources: [String: Int64] = [:]
    /// The last id used; the next is later (unless the clock stepped back a lot).
    private var lastID: Int64 = 0
    /// Totals of committed rows not yet added to `app_domains`.
    private var pendingTotals: [AppDomain: Totals] = [:]
    /// Totals of the batch being written.
    private var batchTotals: [AppDomain: Totals] = [:]

    /// How stale a `last_seen` may get before it is written again (bounds
    /// the writes per name to one an hour; retention allows for it).
    static let lastSeenResolution: Int64 = 3_600_000

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
        lastID = 0
    }

    /// Inserts one entry, stamped `milliseconds`.
    func insert(_ entry: QueryLogEntry, milliseconds: Int64, _ db: Database) throws {
        if lastID == 0 { lastID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM queries") ?? 0 }
        let attribution = entry.attribution
        let identity = StoredIdentity(attribution)
        let appID = try app(identity.key, db)
        let identityRow = try identityID(identity, appID: appID, db)
        let process = try processID(attribution, identityID: identityRow, milliseconds: milliseconds, db)
        let name = try nameID(StoredName.of(entry), milliseconds: milliseconds, db)
        let decision: Decision = entry.decision.map { $0.allowed ? .allowed : .blocked } ?? .none
        let reason = try entry.decision.map { try reasonID(StoredReason($0), db) }
        let answer = entry.answer
        let chain = try answer.aliases.isEmpty ? nil : chainID(answer.aliases.map(\.text).joined(separator: " "), db)
        let source = try intern(&sources, entry.source.description, db, sql: "INSERT INTO sources(source) VALUES (?) ON CONFLICT(source) DO UPDATE SET source = excluded.source RETURNING id")
        var flags: Int64 = entry.request.transport == .tcp ? QueryFlags.tcp : 0
        switch entry.source {
        case .cache, .stale: flags |= QueryFlags.cached
        default: break
        }
        let values: [(any DatabaseValueConvertible)?] = [
            appID, process, name.id, name.domainID, Int64(entry.request.query.question.type), Int64(entry.rcode),
            decision.rawValue, reason, AddressBlob.encode(answer.addresses).map { Data($0) }, chain, source,
            Int64(entry.latencyNanoseconds / 1_000), flags,
        ]
        let statement = try db.cachedStatement(sql: """
            INSERT INTO queries(id, app_id, process_id, name_id, domain_id, qtype, rcode, decision, reason_id, addresses, chain_id, source_id, latency_us, flags)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var id = nextID(milliseconds)
        // A clock that stepped back can land on ids already used: take the next free one.
        while true {
            do {
                try statement.execute(arguments: StatementArguments([id] + values))
                break
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                id += 1
            }
        }
        lastID = id
        batchTotals[AppDomain(app: appID, domain: name.domainID), default: Totals()]
            .add(queries: 1, blocked: decision == .blocked ? 1 : 0, first: milliseconds, last: milliseconds)
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

    private func app(_ key: String, _ db: Database) throws -> Int64 {
        try intern(&apps, key, db, sql: "INSERT INTO apps(key) VALUES (?) ON CONFLICT(key) DO UPDATE SET key = excluded.key RETURNING id")
    }

    private func identityID(_ identity: StoredIdentity, appID: Int64, _ db: Database) throws -> Int64 {
        if let id = identities[identity] { return id }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO identities(app_id, exe, exe_state, unit, user_unit, slice, cgroup, flatpak_id, snap_name, unattributed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET exe = excluded.exe RETURNING id
            """), arguments: [appID, identity.exe, identity.exeState, identity.unit, identity.userUnit, identity.slice,
                              identity.cgroup, identity.flatpakID, identity.snapName, identity.unattributed])!
        identities[identity] = id
        return id
    }

    private func processID(_ attribution: Attribution, identityID: Int64, milliseconds: Int64, _ db: Database) throws -> Int64 {
        let app = attribution.app
        let uid = app.map { Int64($0.uid) } ?? attribution.socket.map { Int64($0.uid) } ?? -1
        let key = StoredProcess(identityID: identityID, pid: Int64(app?.pid ?? 0), startTime: Int64(app?.startTime ?? 0), uid: uid)
        if let known = processes[key] {
            if milliseconds - known.lastSeen >= Self.lastSeenResolution {
                try db.cachedStatement(sql: "UPDATE processes SET last_seen = max(last_seen, ?) WHERE id = ?").execute(arguments: [milliseconds, known.id])
                processes[key] = (known.id, milliseconds)
            }
            return known.id
        }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO processes(identity_id, pid, start_time, uid, user_name, command_line, ancestors, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id
            """), arguments: [identityID, key.pid, key.startTime, uid, app?.userName,
                              ProcessText.commandLine(app?.commandLine ?? []), ProcessText.ancestors(app?.ancestors ?? []), milliseconds])!
        processes[key] = (id, milliseconds)
        return id
    }

    private func nameID(_ name: String, milliseconds: Int64, _ db: Database) throws -> (id: Int64, domainID: Int64) {
        if let known = names[name] {
            if milliseconds - known.lastSeen >= Self.lastSeenResolution {
                try db.cachedStatement(sql: "UPDATE names SET last_seen = max(last_seen, ?) WHERE id = ?").execute(arguments: [milliseconds, known.id])
                names[name] = (known.id, known.domainID, milliseconds)
            }
            return (known.id, known.domainID)
        }
        let domainID = try intern(&domains, registrableDomain(name) ?? name, db,
                                           sql: "INSERT INTO domains(domain) VALUES (?) ON CONFLICT(domain) DO UPDATE SET domain = excluded.domain RETURNING id")
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO names(name, domain_id, last_seen) VALUES (?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id
            """), arguments: [name, domainID, milliseconds])!
        names[name] = (id, domainID, milliseconds)
        return (id, domainID)
    }

    private func reasonID(_ reason: StoredReason, _ db: Database) throws -> Int64 {
        if let id = reasons[reason] { return id }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO reasons(kind, text, profile, mode, rule, file, line, list) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(kind, text, profile, mode) DO UPDATE SET kind = excluded.kind RETURNING id
            """), arguments: [reason.kind, reason.text, reason.profile, reason.mode, reason.rule, reason.file, reason.line, reason.list])!
        reasons[reason] = id
        return id
    }

    private func chainID(_ chain: String, _ db: Database) throws -> Int64 {
        try intern(&chains, chain, db, sql: "INSERT INTO chains(chain) VALUES (?) ON CONFLICT(chain) DO UPDATE SET chain = excluded.chain RETURNING id")
    }

    /// The id of `text` in a one-column table, from `cache` or by `sql` (an upsert returning the id).
    private func intern(_ cache: inout [String: Int64], _ text: String, _ db: Database, sql: String) throws -> Int64 {
        if let id = cache[text] { return id }
        let id = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [text])!
        cache[text] = id
        return id
    }
}

/// Bits of `queries.flags`.
enum QueryFlags {
    /// The query came over TCP (else UDP).
    static let tcp: Int64 = 1
    /// Answered from the cache (fresh or stale).
    static let cached: Int64 = 2
}
