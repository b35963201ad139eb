/// Which names a domain rule covers.
public enum DomainMatch: String, Sendable, Hashable {
    /// The name itself only (`=example.com`, adblock `|example.com^` … see the list formats).
    case exact
    /// The name and every name below it (`example.com`, hosts/plain lines in
    /// lists read as subtree, adblock `||example.com^`).
    case subtree
    /// Names below it, not the name itself (`*.example.com`).
    case subdomains
}
