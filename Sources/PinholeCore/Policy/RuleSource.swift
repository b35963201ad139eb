/// Where a rule came from, so every decision can name it: a profile file
/// and line, or a list (by name) and the line in its file.
public struct RuleSource: Sendable, Hashable, CustomStringConvertible {
    /// The file the rule is in.
    public var file: String
    /// 1-based line in `file`.
    public var line: Int
    /// The list's name when the rule is a list entry ("telemetry").
    public var list: String?

    public init(file: String, line: Int, list: String? = nil) {
        self.file = file
        self.line = line
        self.list = list
    }

    /// "list telemetry (/etc/pinhole/lists/telemetry.txt:12)" or "/etc/pinhole/apps.d/firefox.toml:7".
    public var description: String {
        if let list { return "list \(list) (\(file):\(line))" }
        return "\(file):\(line)"
    }
}
