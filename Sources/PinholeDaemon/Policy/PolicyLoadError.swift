/// Everything wrong with the policy files, each with file:line where known.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    public var description: String {
        "the policy has \(errors.count) error\(errors.count == 1 ? "" : "s"):\n"
            + errors.map { "  \($0)" }.joined(separator: "\n")
    }
}
