import TestSupport

/// One datagram of journald's native protocol, parsed as systemd documents it
/// (systemd.io/JOURNAL_NATIVE_PROTOCOL): "KEY=value\n", or for values that may
/// hold newlines "KEY\n" + 64-bit little-endian length + value + "\n".
struct JournalEntry: CustomStringConvertible {
    let fields: [String: String]
    /// Names of the fields that came in the binary (length-prefixed) form.
    let binaryFields: Set<String>

    init(_ bytes: [UInt8]) throws {
        var fields: [String: String] = [:]
        var binary: Set<String> = []
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == 0x0A || $0 == 0x3D }) else {
                throw TestFailure("journal datagram: field without end at byte \(index)")
            }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == 0x3D {
                guard let newline = bytes[end...].firstIndex(of: 0x0A) else { throw TestFailure("journal datagram: \(name)= without newline") }
                fields[name] = String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)
                index = newline + 1
            } else {
                guard end + 9 <= bytes.count else { throw TestFailure("journal datagram: \(name) without a length") }
                var length = 0
                for shift in 0..<8 { length |= Int(bytes[end + 1 + shift]) << (8 * shift) }
                let start = end + 9
                guard start + length < bytes.count, bytes[start + length] == 0x0A else {
                    throw TestFailure("journal datagram: \(name) length \(length) overruns the datagram")
                }
                fields[name] = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
                binary.insert(name)
                index = start + length + 1
            }
        }
        self.fields = fields
        binaryFields = binary
    }

    subscript(key: String) -> String? { fields[key] }
    var description: String { fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " | ") }
}
