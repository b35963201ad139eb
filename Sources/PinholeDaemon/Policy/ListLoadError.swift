#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A list that could not be read at all (its bad lines are not errors).
public struct ListLoadError: Error, CustomStringConvertible, Sendable {
    /// The list's name.
    public var list: String
    /// The file or directory that failed.
    public var path: String
    /// errno of the failed call.
    public var code: Int32
    /// The call that failed ("open", "read", "opendir").
    public var operation: String

    public var description: String {
        "list \(list): cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}
