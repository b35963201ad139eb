import Foundation

/// The control socket's protocol: newline-delimited JSON over a Unix stream
/// socket. The client sends request lines, `{"op":"follow"}`,
/// `{"op":"status"}`, `{"op":"reload"}`,
/// `{"op":"allow","app":"firefox","domain":"example.com"}` (`"remove":true`
/// takes it out again), `deny` likewise, `{"op":"mode","app":"firefox","mode":"learn"}`;
/// replies are one JSON object per line:
/// - `follow`: every query answered from then on, one `LogRecord` a line
///   (the same JSON `pinhole log --json` prints; `id` is 0, the row is not
///   written yet); the stream ends when either side closes.
/// - `status`: one `ControlStatus`.
/// - `reload`: one `ControlReloadReply` (or the errors, file:line each).
/// - `allow`, `deny`, `mode`: one `ControlEditReply`; the profile file is
///   edited, written atomically and the policy reloaded (a failed reload puts
///   the old file back). Reading needs root or the reader group; these four
///   need root or the admin group.
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
        case reload
        case allow
        case deny
        case mode

        /// Whether the op changes policy (root or the admin group only).
        public var changesPolicy: Bool { self != .follow && self != .status }
    }

    /// One request line.
    public struct Request: Sendable, Codable, Equatable {
        public var op: Op
        /// `allow`, `deny`, `mode`: the profile's name (file stem), or a unit for a new profile.
        public var app: String?
        /// `allow`, `deny`: the rule, as a profile writes it.
        public var domain: String?
        /// `mode`: enforce, first-party, block-listed, learn or off.
        public var mode: String?
        /// `allow`, `deny`: remove the rule instead of adding it.
        public var remove: Bool?

        public init(op: Op, app: String? = nil, domain: String? = nil, mode: String? = nil, remove: Bool? = nil) {
            self.op = op
            self.app = app
            self.domain = domain
            self.mode = mode
            self.remove = remove
        }
    }

    /// Encodes `value` as one line (compact JSON and "\n").
    public static func line(_ value: any Encodable) -> Data {
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
