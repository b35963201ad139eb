import PinholeCore

/// Finds a client's socket in the kernel's socket tables (sock_diag in
/// production; a stub in unit tests of the attributor).
public protocol SocketLookup: Sendable {
    /// The socket that sent `request`'s query, looked up by its address tuple.
    func owner(of request: AttributionRequest) -> SocketLookupResult
}

/// What a socket lookup found.
public enum SocketLookupResult: Sendable, Hashable {
    case found(SocketOwner)
    /// No socket with that tuple exists (closed, or in another network namespace).
    case notFound
    /// The kernel refused the lookup.
    case permissionDenied
    /// The lookup itself failed; the text says what and where.
    case failed(String)
}
