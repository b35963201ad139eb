import PinholeCore

/// A `--domain` (or `ignore`) pattern. `example.com` and `*.example.com`
/// both mean example.com and every name under it; any other pattern with
/// `*` or `?` is a glob over the whole name. Case and a trailing dot do not matter.
public struct DomainPattern: Sendable, Hashable, CustomStringConvertible {
    public enum Form: Sendable, Hashable {
        /// A name and its subdomains.
        case subtree(String)
        /// Any name the glob matches.
        case glob(Glob)
    }

    public let form: Form
    /// As written.
    public let pattern: String

    /// Parses `pattern`; throws on an empty pattern or one `Glob` rejects.
    public init(_ pattern: String) throws(PolicySyntaxError) {
        var text = pattern.lowercased()
        if text.hasSuffix("."), text.count > 1 { text.removeLast() }
        guard !text.isEmpty else { throw PolicySyntaxError("expected a non-empty domain pattern") }
        let base = text.hasPrefix("*.") ? String(text.dropFirst(2)) : text
        if !base.isEmpty, !base.contains("*"), !base.contains("?"), !base.contains("\\") {
            form = .subtree(base)
        } else {
            form = .glob(try Glob(text))
        }
        self.pattern = pattern
    }

    /// Whether `name` (lowercase, no trailing dot) matches.
    public func matches(_ name: String) -> Bool {
        switch form {
        case .subtree(let base):
            return name == base || (name.hasSuffix(base) && name.utf8.count > base.utf8.count
                && name.utf8[name.utf8.index(name.utf8.endIndex, offsetBy: -base.utf8.count - 1)] == UInt8(ascii: "."))
        case .glob(let glob):
            return glob.matches(name)
        }
    }

    public var description: String { pattern }
}
