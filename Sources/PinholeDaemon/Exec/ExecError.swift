import Glibc

/// Why `pinhole exec` could not run the command.
public struct ExecError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    init(errno code: Int32, _ what: String) {
        description = "\(what): \(String(cString: strerror(code)))"
    }
}
