/// One rule that matched a name, with where it stands in the precedence
/// (see `PolicyDecider`).
public struct RuleHit: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The profile's `deny`.
        case profileDeny = "profile deny"
        /// The profile's `allow`.
        case profileAllow = "profile allow"
        /// A list entry marked `$important`: beats exceptions.
        case importantBlock = "important list entry"
        /// A list exception (`@@`): cancels an ordinary list entry.
        case listException = "list exception"
        /// An ordinary list entry.
        case listBlock = "list entry"
        /// A registrable domain of the profile's `vendor` (first-party mode).
        case vendor = "vendor domain"
    }

    public var kind: Kind
    /// The rule as written ("||ads.example^", "=example.com", "example.com").
    public var rule: String
    public var source: RuleSource

    public init(kind: Kind, rule: String, source: RuleSource) {
        self.kind = kind
        self.rule = rule
        self.source = source
    }

    /// "profile deny example.com (/etc/pinhole/apps.d/x.toml:4)".
    public var description: String { "\(kind.rawValue) \(rule) (\(source))" }
}
