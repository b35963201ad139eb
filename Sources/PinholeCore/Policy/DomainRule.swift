/// One `allow` or `deny` entry of a profile, with where it was written.
///
/// Forms: `example.com` (the name and every name below it), `=example.com`
/// (the name alone), `*.example.com` (names below it, not the name), and
/// `/regex/` (searched for in the normalized name, see `Pattern.regex`).
/// Names are normalized like `PolicyName` (case, trailing dot); IDNs must
/// be written as punycode (`xn--…`).
public struct DomainRule: Sendable, CustomStringConvertible {
    /// What the rule covers.
    public enum Pattern: Sendable {
        /// A name and how far below it the rule reaches.
        case name(PolicyName, DomainMatch)
        /// A regular expression, searched for in the lowercase name without
        /// its trailing dot (anchor it with `^…$` to match whole names).
        /// Slow next to the other forms: every query is run through every
        /// regex rule of the app's profile, so keep them rare.
        case regex(CompiledRegex)
    }

    public let pattern: Pattern
    /// The text as written in the profile.
    public let text: String
    public let source: RuleSource

    /// Parses one rule; the error says what is wrong with `text` (the caller adds file:line).
    public init(parsing text: String, source: RuleSource) throws(PolicySyntaxError) {
        self.text = text
        self.source = source
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { throw PolicySyntaxError("expected a domain rule, got an empty string") }
        if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
            let body = String(trimmed.dropFirst().dropLast())
            guard !body.isEmpty else { throw PolicySyntaxError("\"\(text)\": empty regular expression") }
            do {
                pattern = .regex(try CompiledRegex(body))
            } catch {
                throw PolicySyntaxError("\"\(text)\": \(error.message)")
            }
            return
        }
        let (match, rest): (DomainMatch, Substring) =
            if trimmed.hasPrefix("=") { (.exact, trimmed.dropFirst()) }
            else if trimmed.hasPrefix("*.") { (.subdomains, trimmed.dropFirst(2)) }
            else { (.subtree, trimmed[...]) }
        pattern = .name(try Self.name(rest, in: text), match)
    }

    public var description: String { "\(text) (\(source))" }

    /// Whether the rule covers `name`.
    public func matches(_ name: PolicyName) -> Bool {
        switch pattern {
        case .name(let ruleName, let match):
            let text = name.text
            if text == ruleName.text { return match != .subdomains }
            guard match != .exact, text.utf8.count > ruleName.text.utf8.count else { return false }
            return text.hasSuffix("." + ruleName.text)
        case .regex(let regex):
            return regex.matches(name.text)
        }
    }

    private static func name(_ raw: Substring, in text: String) throws(PolicySyntaxError) -> PolicyName {
        if raw.isEmpty { throw PolicySyntaxError("\"\(text)\": expected a domain name") }
        if raw.hasPrefix(".") {
            throw PolicySyntaxError(
                "\"\(text)\": leading dot; write example.com (the name and its subdomains) or *.example.com (subdomains only)")
        }
        if raw.contains("*") {
            throw PolicySyntaxError("\"\(text)\": a wildcard is allowed only as a leading \"*.\"; use /regex/ for others")
        }
        if raw.unicodeScalars.contains(where: { !$0.isASCII }) {
            throw PolicySyntaxError("\"\(text)\": write internationalized names in punycode (xn--…)")
        }
        guard let name = PolicyName(raw), !name.text.isEmpty else {
            throw PolicySyntaxError(
                "\"\(text)\": not a valid domain name (letters, digits, '-', '_'; labels of 1…63, at most 253 characters)")
        }
        return name
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingWhitespace: Substring {
        var result = self[...]
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
