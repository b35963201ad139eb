import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Opening the query-log database: the file made readable by root and the
/// `pinhole` group only, WAL, migrations applied.
enum DatabaseFile {
    /// The group that may read the log (`pinhole log` for its members).
    static let readerGroup = "pinhole"

    /// Creates the directory and the file when missing (0750 / 0640, group
    /// `pinhole` when it exists), opens it for writing, switches to WAL and migrates.
    static func openForWriting(path: String, prepare: (@Sendable (Database) throws -> Void)? = nil) throws(QueryLogError) -> DatabaseQueue {
        try createFile(path: path)
        var configuration = Configuration()
        configuration.journalMode = .wal
        // The writer's ids are its own; parent checks would cost every insert.
        configuration.foreignKeysEnabled = false
        configuration.label = "pinhole.querylog.writer"
        configuration.prepareDatabase { db in
            // WAL: NORMAL loses at most the last transactions on power loss, never corrupts.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The index pages new rows land on (one per app, per domain) stay
            // cached between batches instead of being read back each time.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // The Checkpointer copies the WAL back every second; this is the
            // fallback should it fall behind (~200 MiB of WAL).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 50000")
            try prepare?(db)
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw QueryLogError(path: path, step: "open for writing", error)
        }
        do {
            try QueryLogSchema.migrator.migrate(queue)
        } catch {
            throw QueryLogError(path: path, step: "migrate", error)
        }
        return queue
    }

    /// Opens an existing database read-only (the CLI's connection).
    static func openForReading(path: String) throws(QueryLogError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueryLogError(path: path, step: "open for reading", message: "no such file (has pinholed logged anything yet?)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "pinhole.querylog.reader"
        // The writer commits every 250 ms; a reader waits for it briefly instead of failing.
        configuration.busyMode = .timeout(2)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrated = try queue.read { db in try QueryLogSchema.migrator.hasCompletedMigrations(db) }
            guard migrated else {
                throw QueryLogError(path: path, step: "open for reading", message: "the schema is not this version's (run pinholed of this version once to migrate)")
            }
            return queue
        } catch let error as QueryLogError {
            throw error
        } catch {
            throw QueryLogError(path: path, step: "open for reading", error)
        }
    }

    /// The directory (0750) and an empty file (0640), group `pinhole` when it exists.
    static func createFile(path: String) throws(QueryLogError) {
        let directory = (path as NSString).deletingLastPathComponent
        let group = getgrnam(readerGroup).map { $0.pointee.gr_gid }
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw QueryLogError(path: path, step: "create directory \(directory)", error)
            }
            if let group { _ = chown(directory, uid_t.max, group) }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        if fd < 0 {
            throw QueryLogError(path: path, step: "create file", message: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) == 0, status.st_size == 0 {
            // A new file: the umask may have taken bits, and the group is set once.
            _ = fchmod(fd, 0o640)
            if let group { _ = fchown(fd, uid_t.max, group) }
        }
    }
}
