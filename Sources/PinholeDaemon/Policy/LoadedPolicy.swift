import PinholeCore

/// A policy read from its files, with what the operator should hear about
/// it (rejected list lines, missing optional folders).
public struct LoadedPolicy: Sendable {
    public var policy: CompiledPolicy
    /// The lists loaded, with their statistics, for `pinhole lists` and the log.
    public var lists: [PolicyList]
    /// Things that did not stop loading.
    public var warnings: [String]
}
