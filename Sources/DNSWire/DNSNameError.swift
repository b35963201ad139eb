/// A domain name that cannot be written in wire form.
public struct DNSNameError: Error, Equatable, Sendable, CustomStringConvertible {
    public var name: String
    public var reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var description: String { "invalid domain name '\(name)': \(reason)" }
}
