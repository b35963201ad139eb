#if canImport(Glibc)
import Glibc
#endif

/// A failed step of the client: what it tried, and the errno if any.
struct ClientError: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    /// "`operation`: strerror(errno)" for the current errno.
    static func posix(_ operation: String) -> ClientError {
        let code = errno
        return ClientError("\(operation): \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Prints `{"event":"error",...}` and exits with status 1.
    func exit() -> Never {
        EventLine("error").with("message", message).emit()
        Glibc.exit(1)
    }
}
