/// Why the query log could not be opened, written or read: which step, on
/// which file, and SQLite's word for it.
public struct QueryLogError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What was being done ("open", "migrate", "insert batch", "prune", "SELECT …").
    public var step: String
    /// The underlying message (SQLite's, or errno's).
    public var message: String

    public init(path: String, step: String, message: String) {
        self.path = path
        self.step = step
        self.message = message
    }

    public init(path: String, step: String, _ error: any Error) {
        self.init(path: path, step: step, message: "\(error)")
    }

    public var description: String { "query log \(path): \(step): \(message)" }
}
