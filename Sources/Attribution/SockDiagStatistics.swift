/// Counters of how `SockDiag` lookups were answered (for tests and metrics).
public struct SockDiagStatistics: Sendable, Hashable {
    /// Lookups answered by an exact (single-socket) request.
    public var exactHits: Int = 0
    /// Lookups that needed a filtered dump (no usable tuple, or the exact request found nothing).
    public var dumps: Int = 0
    /// Lookups that found no socket at all.
    public var notFound: Int = 0

    /// All zero.
    public init() {}
}
