import GRDB
import GRDBSQLite

/// A GRDB statement bound and stepped through the SQLite C API: the
/// writer's per-row INSERT skips GRDB's argument arrays and checks (about a
/// third of a row's cost). GRDB still owns the statement (its cache
/// finalizes it with the connection); a failed step throws a
/// `DatabaseError` like GRDB's, so the transaction rolls back the same way.
struct RawStatement {
    let statement: Statement
    private let handle: OpaquePointer

    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
    }

    /// Binds parameter `index` (1-based).
    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds `value`, or NULL.
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a copy of `bytes` (SQLite copies: the buffer is reused), or NULL when empty.
    func bind(_ index: Int32, blob bytes: [UInt8]) {
        if bytes.isEmpty {
            sqlite3_bind_null(handle, index)
            return
        }
        _ = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Binds a copy of `text`.
    func bind(_ index: Int32, text: String) {
        _ = text.withCString { sqlite3_bind_text(handle, index, $0, -1, Self.transient) }
    }

    /// The rowid the statement just inserted, or nil when it changed no row
    /// (an INSERT OR IGNORE that met a conflict).
    func insertedRowID(_ db: Database) -> Int64? {
        guard let connection = db.sqliteConnection, sqlite3_changes(connection) > 0 else { return nil }
        return sqlite3_last_insert_rowid(connection)
    }

    /// SQLITE_TRANSIENT (SQLite copies the value): the destructor value -1 (the C macro does not import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Runs the statement to completion and resets it; throws the step's
    /// error (extended code, message) after resetting, so it can run again.
    func execute(_ db: Database) throws {
        let code = sqlite3_step(handle)
        guard code != SQLITE_DONE else {
            sqlite3_reset(handle)
            return
        }
        let connection = db.sqliteConnection
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
    }
}
