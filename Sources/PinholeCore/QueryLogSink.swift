/// Where finished queries go: the daemon's log line now, the query-log
/// database later. Called on the answering thread, so it must not block.
public protocol QueryLogSink: Sendable {
    /// Whether `record` would keep anything (lets the stage skip building entries).
    var isEnabled: Bool { get }
    /// Takes one answered query. `consuming`: a sink that keeps the entry
    /// moves it instead of copying it (a copy retains every string in it,
    /// on the answering thread, once per query).
    func record(_ entry: consuming QueryLogEntry)
}
