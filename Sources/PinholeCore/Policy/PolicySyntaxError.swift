/// A policy value that does not parse (a domain rule, glob, CIDR): what is
/// wrong with the text. The loader adds the file, line and key.
public struct PolicySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `"*.": expected a domain after "*."`.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
