/// Where finished queries go: the daemon's log line now, the query-log
/// database later. Called on the answering thread, so it must not block.
public protocol QueryLogSink: Sendable {
    /// Whether `record` would keep anything (lets the stage skip building entries).
    var isEnabled: Bool { get }
    /// Takes one answered query.
    func record(_ entry: QueryLogEntry)
}
