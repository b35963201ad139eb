/// One stage of query handling (see `Pipeline` for their order).
///
/// Callback style, not async: a cache hit completes synchronously on the
/// listener's thread without creating a task.
public protocol QueryHandler: Sendable {
    /// Handles `request` and calls `respond` exactly once, on any thread.
    func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void)
}
