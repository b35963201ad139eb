/// Edits a profile's TOML text the way a person would: adds or removes one
/// element of the top-level string array `allow` or `deny`, or replaces the
/// top-level `mode` value, and leaves every other byte of the file alone
/// (comments, order, formatting, line endings). TOML libraries drop
/// comments on a round trip, hence this small text-level editor.
///
/// Only the top level (before the first `[table]`) is touched: a key of the
/// same name inside `[match]` is never seen. The result is not validated
/// here; the caller parses it with the real profile parser.
public enum ProfileTextEdit {
    /// The string arrays this editor changes.
    public enum ArrayKey: String, Sendable, CaseIterable {
        case allow, deny
    }

    /// An edited text.
    public struct Result: Sendable, Equatable {
        /// The whole new text.
        public var text: String
        /// The 1-based line of the element added or the value set (for
        /// removals: where the element was); for an element already present, its line.
        public var line: Int
        /// False when the text already said so (nothing to write).
        public var changed: Bool
    }

    /// Why the text cannot be edited.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based line, when the problem has one.
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// `text` with `value` added to the top-level array `key` (created
    /// before the first table when missing). A value already there (same
    /// name, case and trailing dot ignored) is not added twice.
    public static func adding(_ value: String, to key: ArrayKey, in text: String) throws(Failure) -> Result {
        var scan = try ProfileTextScanner(text)
        guard let entry = scan.entries.first(where: { $0.key == key.rawValue }) else {
            return scan.insertingLine("\(key.rawValue) = [\(quoted(value))]")
        }
        guard let array = entry.array else {
            throw Failure(line: scan.line(of: entry.valueStart), message: "\(key.rawValue) is not an array of strings")
        }
        if let present = array.elements.first(where: { sameName($0.value, value) }) {
            return Result(text: text, line: scan.line(of: present.start), changed: false)
        }
        return scan.inserting(quoted(value), into: array)
    }

    /// `text` without `value` (every occurrence) in the top-level array `key`.
    /// - Throws: `Failure` when the key or the value is not there.
    public static func removing(_ value: String, from key: ArrayKey, in text: String) throws(Failure) -> Result {
        var scan = try ProfileTextScanner(text)
        guard let entry = scan.entries.first(where: { $0.key == key.rawValue }) else {
            throw Failure(line: nil, message: "there is no top-level \(key.rawValue) to remove \(value) from")
        }
        guard let array = entry.array else {
            throw Failure(line: scan.line(of: entry.valueStart), message: "\(key.rawValue) is not an array of strings")
        }
        guard let first = array.elements.firstIndex(where: { sameName($0.value, value) }) else {
            throw Failure(line: scan.line(of: entry.valueStart), message: "\(value) is not in \(key.rawValue)")
        }
        let line = scan.line(of: array.elements[first].start)
        scan.remove(element: first, of: array)
        // A duplicate spelled differently ("A.example", "a.example."): scanned afresh, offsets moved.
        while let again = try ProfileTextScanner(scan.text).entries.first(where: { $0.key == key.rawValue })?.array,
            let index = again.elements.firstIndex(where: { sameName($0.value, value) }) {
            scan = try ProfileTextScanner(scan.text)
            scan.remove(element: index, of: again)
        }
        return Result(text: scan.text, line: line, changed: true)
    }

    /// `text` with the top-level `mode` set to `mode` (created before the first table when missing).
    public static func settingMode(_ mode: String, in text: String) throws(Failure) -> Result {
        var scan = try ProfileTextScanner(text)
        guard let entry = scan.entries.first(where: { $0.key == "mode" }) else {
            return scan.insertingLine("mode = \(quoted(mode))")
        }
        let current = ProfileTextScanner.decodedString(Array(scan.bytes[entry.valueStart..<entry.valueEnd]))
        if current == mode { return Result(text: text, line: scan.line(of: entry.valueStart), changed: false) }
        scan.replace(entry.valueStart..<entry.valueEnd, with: quoted(mode))
        return Result(text: scan.text, line: scan.line(of: entry.valueStart), changed: true)
    }

    /// A TOML basic string.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Domain names compare without case and trailing dot.
    static func sameName(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        func normal(_ s: String) -> String { (s.hasSuffix(".") ? String(s.dropLast()) : s).lowercased() }
        return normal(a) == normal(b)
    }
}
