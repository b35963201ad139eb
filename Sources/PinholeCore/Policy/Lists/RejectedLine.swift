/// A list line that says something pinhole cannot read; reported, never fatal.
public struct RejectedLine: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line in the list file.
    public var line: Int
    /// What is wrong with it ("label longer than 63 characters: aaaa…").
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
