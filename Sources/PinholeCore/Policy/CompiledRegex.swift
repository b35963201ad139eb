/// A regular expression of a `/regex/` domain rule, compiled once at load.
///
/// `Regex<AnyRegexOutput>` is not `Sendable` (its output type is not), but
/// the compiled program inside is immutable and the standard library
/// installs it atomically, so sharing one between threads for matching is
/// safe; this wrapper says so in one place.
public final class CompiledRegex: @unchecked Sendable {
    /// The expression between the slashes.
    public let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source`; the error says what is wrong with it.
    public init(_ source: String) throws(PolicySyntaxError) {
        do {
            regex = try Regex(source)
        } catch {
            throw PolicySyntaxError("not a valid regular expression: \(error)")
        }
        self.source = source
        _ = matches("")  // builds the matcher now, not on the first query
    }

    /// Whether the expression occurs anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
