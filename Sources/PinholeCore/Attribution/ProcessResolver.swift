/// Finds the process behind a query (the `Attribution` target implements it
/// with sock_diag, /proc and libsystemd).
public protocol ProcessResolver: Sendable {
    /// Calls `completion` exactly once with the attribution of `request`:
    /// synchronously on the caller's thread when the answer is cached, else
    /// later on another thread.
    func attribute(_ request: AttributionRequest, completion: @escaping @Sendable (Attribution) -> Void)
}
