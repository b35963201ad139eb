/// A configuration problem, with where it is: the file, line and column (when
/// known), or the command-line flag, and the key it concerns.
///
/// Reads like a compiler diagnostic:
/// `/etc/pinhole/pinhole.toml:7: cache.size: expected an integer between 0 and 10000000, got "big"`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in; nil for command-line flags.
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known (syntax errors).
    public var column: Int?
    /// The key path ("cache.size") or flag ("--listen") concerned, if any.
    public var key: String?
    /// Everything after the location, e.g. `cache.size: expected ...`.
    public var message: String

    /// Creates an error; `message` is the text after the location.
    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = file ?? ""
        if file != nil, let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
