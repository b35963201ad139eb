/// The syntax of a blocklist file.
public enum ListFormat: String, Sendable, Hashable, CaseIterable {
    /// `0.0.0.0 a.example` / `127.0.0.1 a.example b.example`, `#` comments.
    case hosts
    /// One domain per line, `#` comments.
    case plain
    /// The DNS subset of adblock syntax: `||a.example^`, `@@||a.example^`,
    /// `|a.example^`, `$important`, `$dnstype=A|~AAAA`.
    case adblock
    /// dnsmasq directives: `address=/a.example/0.0.0.0`, `address=/a.example/`,
    /// `server=/a.example/`, `local=/a.example/`.
    case dnsmasq
    /// `*.a.example` (subdomains only) and `a.example` (per the list's setting).
    case wildcard
}
