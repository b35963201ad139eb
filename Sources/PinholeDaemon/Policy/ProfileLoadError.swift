/// Everything wrong with the profile directory: every error of every file,
/// each with its file, line and key, in file order.
public struct ProfileLoadError: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
