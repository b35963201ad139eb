import GRDB

/// The database layout, as versioned migrations. Sizes are what the
/// benchmark measured with 10,000,000 rows (see the README).
///
/// `queries` is the only big table; everything repeated is interned in a
/// small table and referenced by an integer. A query's id is its time:
/// `QueryID` packs milliseconds since the epoch and a sequence number into
/// the INTEGER PRIMARY KEY, so the table is stored in time order, a time
/// range is a rowid range (no time column, no time index), and every
/// secondary index on `x` is already an index on `(x, time)` because SQLite
/// appends the rowid to each index entry.
///
/// No REFERENCES clauses on `queries`: checking parents on every insert would
/// cost the writer for ids it has just taken from its own tables.
enum QueryLogSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per app key: what `--app` and `apps()` group by.
            try db.execute(sql: "CREATE TABLE apps (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE) STRICT")
            // One row per distinct identity of an app ('' for an absent field, so UNIQUE sees it).
            try db.execute(sql: """
                CREATE TABLE identities (
                    id INTEGER PRIMARY KEY,
                    app_id INTEGER NOT NULL REFERENCES apps(id),
                    exe TEXT NOT NULL,
                    exe_state TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    user_unit TEXT NOT NULL,
                    slice TEXT NOT NULL,
                    cgroup TEXT NOT NULL,
                    flatpak_id TEXT NOT NULL,
                    snap_name TEXT NOT NULL,
                    unattributed TEXT NOT NULL,
                    UNIQUE (app_id, exe, exe_state, unit, user_unit, slice, cgroup, flatpak_id, snap_name, unattributed)
                ) STRICT
                """)
            // One row per process lifetime (pid + start time) and uid: the
            // command line and parents are stored once, not per query.
            // The unique index also serves `--pid`.
            try db.execute(sql: """
                CREATE TABLE processes (
                    id INTEGER PRIMARY KEY,
                    identity_id INTEGER NOT NULL REFERENCES identities(id),
                    pid INTEGER NOT NULL,
                    start_time INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    user_name TEXT,
                    command_line TEXT NOT NULL,
                    ancestors TEXT NOT NULL,
                    last_seen INTEGER NOT NULL,
                    UNIQUE (pid, start_time, identity_id, uid)
                ) STRICT
                """)
            try db.execute(sql: "CREATE TABLE domains (id INTEGER PRIMARY KEY, domain TEXT NOT NULL UNIQUE) STRICT")
            // last_seen: when the writer last noted a use (at most hourly), for pruning unused names.
            try db.execute(sql: """
                CREATE TABLE names (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    domain_id INTEGER NOT NULL REFERENCES domains(id),
                    last_seen INTEGER NOT NULL
                ) STRICT
                """)
            // `--domain sub.example.com`: the names of one registrable domain.
            try db.execute(sql: "CREATE INDEX names_domain ON names(domain_id)")
            try db.execute(sql: """
                CREATE TABLE reasons (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    mode TEXT NOT NULL,
                    rule TEXT,
                    file TEXT,
                    line INTEGER,
                    list TEXT,
                    UNIQUE (kind, text, profile, mode)
                ) STRICT
                """)
            try db.execute(sql: "CREATE TABLE chains (id INTEGER PRIMARY KEY, chain TEXT NOT NULL UNIQUE) STRICT")
            try db.execute(sql: "CREATE TABLE sources (id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE) STRICT")
            try db.execute(sql: """
                CREATE TABLE queries (
                    id INTEGER PRIMARY KEY,
                    app_id INTEGER NOT NULL,
                    process_id INTEGER NOT NULL,
                    name_id INTEGER NOT NULL,
                    domain_id INTEGER NOT NULL,
                    qtype INTEGER NOT NULL,
                    rcode INTEGER NOT NULL,
                    decision INTEGER NOT NULL,
                    reason_id INTEGER,
                    addresses BLOB,
                    chain_id INTEGER,
                    source_id INTEGER NOT NULL,
                    latency_us INTEGER NOT NULL,
                    flags INTEGER NOT NULL
                ) STRICT
                """)
            // (app, time): `log --app X [--since]`, `domains --app X --since`.
            try db.execute(sql: "CREATE INDEX queries_app ON queries(app_id)")
            // (registrable domain, time): `log --domain '*.example.com'`.
            try db.execute(sql: "CREATE INDEX queries_domain ON queries(domain_id)")
            // No (name, time) index: `--domain` always means a subtree, which
            // the domain index serves (names filtered within it); one would
            // cost ~18 bytes per row and a third of the writer's page writes
            // (new rows land on a different leaf page per name).
            // (time) of blocked queries only: `log --blocked`, a small share of rows.
            try db.execute(sql: "CREATE INDEX queries_blocked ON queries(decision) WHERE decision = 2")
            // The running totals `apps()` and `domains(app:)` read instead of
            // scanning `queries`: kept by the writer, reduced by retention.
            try db.execute(sql: """
                CREATE TABLE app_domains (
                    app_id INTEGER NOT NULL,
                    domain_id INTEGER NOT NULL,
                    queries INTEGER NOT NULL,
                    blocked INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    PRIMARY KEY (app_id, domain_id)
                ) STRICT, WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v2") { db in
            // Repeats within one batch window are one row (see `RepeatKey`):
            // `count` queries, the first at the id's time, the last `span_ms`
            // later (NULL for a single query). A count of 1 costs no payload
            // byte (SQLite stores the constant 1 in the record header), and
            // ADD COLUMN rewrites no existing row: old rows read as count 1.
            try db.execute(sql: "ALTER TABLE queries ADD COLUMN count INTEGER NOT NULL DEFAULT 1")
            try db.execute(sql: "ALTER TABLE queries ADD COLUMN span_ms INTEGER")
        }
        return migrator
    }
}
