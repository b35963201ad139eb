import Foundation

/// The control socket's protocol: newline-delimited JSON over a Unix stream
/// socket. The client sends one request line, `{"op":"follow"}` or
/// `{"op":"status"}`; replies are one JSON object per line:
/// - `follow`: every query answered from then on, one `LogRecord` a line
///   (the same JSON `pinhole log --json` prints; `id` is 0, the row is not
///   written yet); the stream ends when either side closes.
/// - `status`: one `ControlStatus`.
/// - any failure: one `{"error":"…"}` line (`ControlErrorReply`); for
///   "permission denied" and an oversized request the connection is then closed.
/// Requests are at most `maxRequestBytes`.
public enum ControlProtocol {
    /// The longest request line accepted.
    public static let maxRequestBytes = 64 * 1024
    /// Entries one follower may have waiting before the oldest are dropped.
    public static let followBuffer = 4_096

    /// The operations.
    public enum Op: String, Sendable, Codable {
        case follow
        case status
    }

    /// One request line.
    public struct Request: Sendable, Codable {
        public var op: Op
        public init(op: Op) { self.op = op }
    }

    /// Encodes `value` as one line (compact JSON and "\n").
    public static func line<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(value)) ?? Data(#"{"error":"cannot encode the reply"}"#.utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// `{"error":"…"}`: what went wrong with a request.
public struct ControlErrorReply: Sendable, Codable, Error, CustomStringConvertible {
    public var error: String
    public init(_ error: String) { self.error = error }
    public var description: String { error }
}
