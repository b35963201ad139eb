/// One sd_notify datagram: "KEY=value" lines.
struct NotifyMessage: CustomStringConvertible {
    let fields: [String: String]
    let text: String

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.fields = fields
    }

    subscript(key: String) -> String? { fields[key] }
    var description: String { text.replacingOccurrences(of: "\n", with: "\\n") }
}
