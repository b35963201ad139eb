/// Why an upstream reply was rejected.
public struct ResponseParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// Byte offset where the problem was found, when known.
    public var offset: Int?

    public init(_ reason: String, offset: Int? = nil) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(reason) (at byte \(offset))" }
        return reason
    }
}
