#if canImport(Glibc)
import Glibc
#endif

/// One JSON object printed as one line on stdout: every action of the client
/// is one of these, so a test reads the client's story line by line.
struct EventLine {
    /// A JSON scalar; the client never prints nested values.
    enum Value {
        case int(Int)
        case string(String)
        case bool(Bool)
    }

    private var fields: [(String, Value)]

    /// Starts a line with `"event"` and the pid of the process printing it
    /// (read at print time, so a forked child names itself).
    init(_ event: String) {
        fields = [("event", .string(event)), ("pid", .int(Int(getpid())))]
    }

    /// This line with one more field, in order.
    func with(_ key: String, _ value: Value) -> EventLine {
        var copy = self
        copy.fields.append((key, value))
        return copy
    }

    func with(_ key: String, _ value: Int) -> EventLine { with(key, .int(value)) }
    func with(_ key: String, _ value: String) -> EventLine { with(key, .string(value)) }
    func with(_ key: String, _ value: Bool) -> EventLine { with(key, .bool(value)) }

    /// Writes the line with one write(2): unbuffered, so nothing is lost or
    /// printed twice when the process exits at once or forks.
    func emit() {
        let body = fields.map { "\(Self.quote($0.0)):\(Self.render($0.1))" }.joined(separator: ",")
        let bytes = Array("{\(body)}\n".utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }

    private static func render(_ value: Value) -> String {
        switch value {
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .string(let text): return quote(text)
        }
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
