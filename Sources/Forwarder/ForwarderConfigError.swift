/// Settings the forwarder cannot work with (a server address that is not
/// numeric, a port out of range, a non-positive timeout).
public struct ForwarderConfigError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
