import PinholeCore

/// A global list as configured: where its file(s) are and how to read them.
public struct ListSource: Sendable, Hashable {
    /// Name in rule sources and `pinhole lists` ("steven-black").
    public var name: String
    /// A list file, or a directory whose regular files (not hidden, sorted by name) are all this list.
    public var path: String
    /// `telemetry`, `ads`, `tracking`, `malware`, `doh` …
    public var category: String?
    public var format: ListFormat
    /// What a bare name means: the name alone (`.exact`) or its subtree (default).
    public var plainLines: DomainMatch

    public init(
        name: String, path: String, category: String? = nil, format: ListFormat,
        plainLines: DomainMatch = .subtree
    ) {
        self.name = name
        self.path = path
        self.category = category
        self.format = format
        self.plainLines = plainLines
    }
}
