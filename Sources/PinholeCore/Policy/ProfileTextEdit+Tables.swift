extension ProfileTextEdit {
    /// `text` with `key` of `[table]` set to `value` (TOML as written:
    /// `"\"/etc/x\""`, `"true"`), with the same minimal edit as the profile
    /// edits: an existing value is replaced in place (its comment kept), a
    /// top-level dotted `table.key` likewise, else the key is added right
    /// under the table's header, else the table is appended at the end.
    /// Multi-line arrays and strings are scanned as values, so a `[` that
    /// starts one of their lines is never taken for a header.
    /// - Throws: `Failure` when the text is not TOML this scanner follows,
    ///   or `table` is not a table (`table = { … }` inline, or another value).
    public static func setting(_ value: String, forKey key: String, inTable table: String, in text: String) throws(Failure) -> Result {
        var scan = try ProfileTextScanner(text, wholeDocument: true)
        if let entry = scan.entries.first(where: { $0.key == "\(table).\(key)" }) {
            return replacing(entry, with: value, in: &scan)
        }
        if let entry = scan.entries.first(where: { $0.key == table }) {
            throw Failure(line: scan.line(of: entry.valueStart), message: "\(table) is set as a value here, not a [\(table)] table; set \(key) in it by hand")
        }
        if let header = scan.tables.first(where: { $0.name == table && !$0.isArrayOfTables }) {
            if let entry = header.entries.first(where: { $0.key == key }) {
                return replacing(entry, with: value, in: &scan)
            }
            let line = Array("\(key) = \(value)".utf8) + scan.newline
            var bytes = scan.bytes
            var at = header.next
            // A header on the last line without a newline: the key goes on a new line.
            if at == bytes.count, at > 0, bytes[at - 1] != 0x0A {
                bytes += scan.newline
                at = bytes.count
            }
            bytes.insert(contentsOf: line, at: at)
            return Result(text: String(decoding: bytes, as: UTF8.self), line: lines(in: bytes[..<at]) + 1, changed: true)
        }
        let newline = String(decoding: scan.newline, as: UTF8.self)
        var result = text
        // utf8: "\r\n" is one Character, which hasSuffix("\n") does not match.
        if !result.isEmpty && result.utf8.last != 0x0A { result += newline }
        if !result.isEmpty { result += newline }
        return Result(text: result + "[\(table)]" + newline + "\(key) = \(value)" + newline, line: lines(in: result.utf8) + 2, changed: true)
    }

    /// The number of "\n" in `bytes`.
    private static func lines(in bytes: some Sequence<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    private static func replacing(_ entry: ProfileTextScanner.Entry, with value: String, in scan: inout ProfileTextScanner) -> Result {
        let line = scan.line(of: entry.valueStart)
        if Array(scan.bytes[entry.valueStart..<entry.valueEnd]) == Array(value.utf8) {
            return Result(text: scan.text, line: line, changed: false)
        }
        scan.replace(entry.valueStart..<entry.valueEnd, with: value)
        return Result(text: scan.text, line: line, changed: true)
    }
}
