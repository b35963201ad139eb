import Foundation
import QueryLog

/// Waits for a daemon's query-log database to hold rows: the writer commits
/// once per batch window, later on a loaded machine.
enum QueryLogRows {
    /// The rows `filter` and `keep` let through (newest first) once there are
    /// at least `count`, or whatever there is after `timeout` seconds.
    static func wait(
        path: String, atLeast count: Int, filter: QueryFilter = QueryFilter(), timeout: TimeInterval = 10,
        keep: (LoggedQuery) -> Bool = { _ in true }
    ) -> [LoggedQuery] {
        let deadline = Date().addingTimeInterval(timeout)
        var rows: [LoggedQuery] = []
        repeat {
            if FileManager.default.fileExists(atPath: path) {
                rows = ((try? QueryLogReader(path: path).entries(filter: filter, limit: 1000)) ?? []).filter(keep)
                if rows.count >= count { return rows }
            }
            usleep(50_000)
        } while Date() < deadline
        return rows
    }
}
