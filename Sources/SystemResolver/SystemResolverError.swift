/// Why `system-resolver` or `doctor` could not do what was asked: what
/// failed, where, and what to do.
public struct SystemResolverError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
