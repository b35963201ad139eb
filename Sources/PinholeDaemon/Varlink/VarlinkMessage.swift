import Foundation

/// Encodes replies: one JSON object followed by a NUL byte.
enum VarlinkMessage {
    /// Largest message accepted from a client, NUL excluded; a longer one
    /// gets an error and the connection is closed (nothing to resync on
    /// before its end arrives).
    static let maxMessageBytes = 64 * 1024

    /// `{"parameters": ...}` (plus `"continues": true` when more replies follow).
    static func reply(_ parameters: [String: JSONValue], continues: Bool = false) -> [UInt8] {
        var message: [String: JSONValue] = ["parameters": .object(parameters)]
        if continues { message["continues"] = true }
        return frame(.object(message))
    }

    /// `{"error": name, "parameters": ...}`.
    static func error(_ error: VarlinkError) -> [UInt8] {
        frame(.object(["error": .string(error.name), "parameters": .object(error.parameters)]))
    }

    private static func frame(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Every JSONValue encodes (no NaN: `number` only ever comes from parsed JSON).
        var bytes = (try? [UInt8](encoder.encode(value))) ?? Array(#"{"error":"org.varlink.service.InvalidParameter","parameters":{}}"#.utf8)
        bytes.append(0)
        return bytes
    }
}
