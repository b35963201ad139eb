import GRDB
import PinholeCore

/// The slow path: ids by the values the tables are unique on, from the
/// string-keyed caches or by an upsert returning the id. Runs once per new
/// app, process, name, reason, chain or source (and hourly per process and
/// name, to note `last_seen`).
extension BatchInserter {
    func app(_ key: String, _ db: Database) throws -> Int64 {
        try intern(&apps, key, db, sql: "INSERT INTO apps(key) VALUES (?) ON CONFLICT(key) DO UPDATE SET key = excluded.key RETURNING id")
    }

    func identityID(_ identity: StoredIdentity, appID: Int64, _ db: Database) throws -> Int64 {
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

    /// The process row's id and when its `last_seen` was last written.
    func processID(_ attribution: Attribution, identityID: Int64, milliseconds: Int64, _ db: Database) throws -> (id: Int64, lastSeen: Int64) {
        let app = attribution.app
        let uid = app.map { Int64($0.uid) } ?? attribution.socket.map { Int64($0.uid) } ?? -1
        let key = StoredProcess(identityID: identityID, pid: Int64(app?.pid ?? 0), startTime: Int64(app?.startTime ?? 0), uid: uid)
        if let known = processes[key] {
            if milliseconds - known.lastSeen >= Self.lastSeenResolution {
                try db.cachedStatement(sql: "UPDATE processes SET last_seen = max(last_seen, ?) WHERE id = ?").execute(arguments: [milliseconds, known.id])
                processes[key] = (known.id, milliseconds)
                return (known.id, milliseconds)
            }
            return known
        }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO processes(identity_id, pid, start_time, uid, user_name, command_line, ancestors, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id
            """), arguments: [identityID, key.pid, key.startTime, uid, app?.userName,
                              ProcessText.commandLine(app?.commandLine ?? []), ProcessText.ancestors(app?.ancestors ?? []), milliseconds])!
        processes[key] = (id, milliseconds)
        return (id, milliseconds)
    }

    /// The name's id, its domain's id, and when its `last_seen` was last written.
    func nameID(_ name: String, milliseconds: Int64, _ db: Database) throws -> (id: Int64, domainID: Int64, lastSeen: Int64) {
        if let known = names[name] {
            if milliseconds - known.lastSeen >= Self.lastSeenResolution {
                try db.cachedStatement(sql: "UPDATE names SET last_seen = max(last_seen, ?) WHERE id = ?").execute(arguments: [milliseconds, known.id])
                names[name] = (known.id, known.domainID, milliseconds)
                return (known.id, known.domainID, milliseconds)
            }
            return known
        }
        let domainID = try intern(&domains, registrableDomain(name) ?? name, db,
                                  sql: "INSERT INTO domains(domain) VALUES (?) ON CONFLICT(domain) DO UPDATE SET domain = excluded.domain RETURNING id")
        // A name not in memory is almost always new to the table too (every
        // query can be a new name): a plain insert bound through the C API
        // costs a third of an upsert with RETURNING (which builds a temporary
        // table per row); only a name already stored (after a restart) takes the upsert.
        let insert = RawStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO names(name, domain_id, last_seen) VALUES (?, ?, ?)"))
        insert.bind(1, text: name)
        insert.bind(2, domainID)
        insert.bind(3, milliseconds)
        try insert.execute(db)
        let id: Int64
        if let inserted = insert.insertedRowID(db) {
            id = inserted
        } else {
            id = try Int64.fetchOne(db.cachedStatement(sql: """
                INSERT INTO names(name, domain_id, last_seen) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id
                """), arguments: [name, domainID, milliseconds])!
        }
        names[name] = (id, domainID, milliseconds)
        return (id, domainID, milliseconds)
    }

    func reasonID(_ reason: StoredReason, _ db: Database) throws -> Int64 {
        if let id = reasons[reason] { return id }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO reasons(kind, text, profile, mode, rule, file, line, list) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(kind, text, profile, mode) DO UPDATE SET kind = excluded.kind RETURNING id
            """), arguments: [reason.kind, reason.text, reason.profile, reason.mode, reason.rule, reason.file, reason.line, reason.list])!
        reasons[reason] = id
        return id
    }

    func chainID(_ chain: String, _ db: Database) throws -> Int64 {
        try intern(&chains, chain, db, sql: "INSERT INTO chains(chain) VALUES (?) ON CONFLICT(chain) DO UPDATE SET chain = excluded.chain RETURNING id")
    }

    /// The id of `text` in a one-column table, from `cache` or by `sql` (an upsert returning the id).
    func intern(_ cache: inout [String: Int64], _ text: String, _ db: Database, sql: String) throws -> Int64 {
        if let id = cache[text] { return id }
        let id = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [text])!
        cache[text] = id
        return id
    }
}
