/// What loading a list found, for `pinhole lists` and reload reports.
public struct ListStatistics: Sendable {
    /// Entries read (a hosts line with three names is three).
    public var entries = 0
    /// Lines in all files.
    public var lines = 0
    /// Rejected lines (all of them; `rejected` keeps the first ones).
    public var rejectedCount = 0
    /// Rejected lines with file:line and reason.
    public var rejected: [(source: RuleSource, reason: String)] = []
    /// Rules ignored on purpose, by kind ("$third-party": 12, "cosmetic": 40).
    public var ignored: [String: Int] = [:]

    public init() {}

    /// Rejected lines as the operator reads them: "file:line: reason".
    public var rejectedDescriptions: [String] {
        rejected.map { "\($0.source.file):\($0.source.line): \($0.reason)" }
    }
}
