/// A TOML text, scanned for `ProfileTextEdit`: every key/value of the top
/// level (and, with `wholeDocument`, of every table) with the byte offsets
/// of its value and, for arrays, of each element and its comma. It
/// understands just enough TOML to find those spans (strings, comments,
/// nested and multi-line arrays, inline tables, table headers, CRLF) and
/// edits the bytes in place. A `[` inside a value is never a table header.
struct ProfileTextScanner {
    struct Element {
        var start: Int
        var end: Int
        /// The string's value; nil for a non-string element.
        var value: String?
        /// The offset of the comma after the element, if any.
        var comma: Int?
    }

    struct ArrayValue {
        var open: Int
        var close: Int
        var elements: [Element]
    }

    struct Entry {
        var key: String
        var lineStart: Int
        var valueStart: Int
        var valueEnd: Int
        /// Offset just past the entry's line (after its "\n", or the end of the text).
        var next: Int
        var array: ArrayValue?
    }

    /// A `[table]` or `[[array of tables]]` header and the entries under it.
    struct Table {
        /// The dotted name, quoted parts decoded ("upstream", "a.b").
        var name: String
        var isArrayOfTables: Bool
        var headerStart: Int
        /// Offset just past the header's line.
        var next: Int
        var entries: [Entry]
    }

    private(set) var bytes: [UInt8]
    /// The top level's entries.
    private(set) var entries: [Entry] = []
    /// Every table, in order (scanned only with `wholeDocument`).
    private(set) var tables: [Table] = []
    /// Where the first table header's line starts; nil without tables.
    private(set) var firstTable: Int?
    /// "\r\n" when the text uses it.
    let newline: [UInt8]

    /// Scans the top level only, or with `wholeDocument` every table too.
    init(_ text: String, wholeDocument: Bool = false) throws(ProfileTextEdit.Failure) {
        bytes = Array(text.utf8)
        if let lf = bytes.firstIndex(of: 0x0A), lf > 0, bytes[lf - 1] == 0x0D {
            newline = [0x0D, 0x0A]
        } else {
            newline = [0x0A]
        }
        try scan(wholeDocument: wholeDocument)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// 1-based line of `offset`.
    func line(of offset: Int) -> Int {
        bytes[..<min(offset, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    // MARK: Editing

    mutating func replace(_ range: Range<Int>, with string: String) {
        bytes.replaceSubrange(range, with: Array(string.utf8))
    }

    /// Inserts `content` as a new top-level line: after the last top-level
    /// entry, else before the first table (and the comments just above it), else at the end.
    mutating func insertingLine(_ content: String) -> ProfileTextEdit.Result {
        var offset: Int
        if let last = entries.last {
            offset = last.next
        } else if let table = firstTable {
            offset = table
            // Keep a comment block that introduces the table with it.
            while offset > 0 {
                let previous = lineStart(before: offset - 1)
                let first = firstNonBlank(from: previous)
                guard first < offset - 1, bytes[first] == UInt8(ascii: "#") else { break }
                offset = previous
            }
        } else {
            offset = bytes.count
        }
        var insertion = Array(content.utf8) + newline
        if offset > 0, offset == bytes.count, bytes[offset - 1] != 0x0A { insertion = newline + insertion }
        bytes.insert(contentsOf: insertion, at: offset)
        let lineNumber = line(of: offset) + (insertion.first == 0x0A || insertion.first == 0x0D ? 1 : 0)
        return ProfileTextEdit.Result(text: text, line: lineNumber, changed: true)
    }

    /// Adds the already quoted `element` after the array's last element, in its style.
    mutating func inserting(_ element: String, into array: ArrayValue) -> ProfileTextEdit.Result {
        let quoted = Array(element.utf8)
        guard let last = array.elements.last else {
            let closeLine = lineStart(before: array.close)
            if line(of: array.open) != line(of: array.close), firstNonBlank(from: closeLine) == array.close {
                let indent = Array(bytes[closeLine..<array.close]) + Array("    ".utf8)
                bytes.insert(contentsOf: indent + quoted + newline, at: closeLine)
                return ProfileTextEdit.Result(text: text, line: line(of: closeLine), changed: true)
            }
            bytes.insert(contentsOf: quoted, at: array.open + 1)
            return ProfileTextEdit.Result(text: text, line: line(of: array.open), changed: true)
        }
        let lastLine = line(of: last.start)
        if lastLine == line(of: array.close) {
            // Inline: `, "new"` after the last element (after its trailing comma: ` "new",`).
            if let comma = last.comma {
                bytes.insert(contentsOf: Array(" ".utf8) + quoted + Array(",".utf8), at: comma + 1)
            } else {
                bytes.insert(contentsOf: Array(", ".utf8) + quoted, at: last.end)
            }
            return ProfileTextEdit.Result(text: text, line: lastLine, changed: true)
        }
        // One element a line: a new line after the last one, same indentation and comma style.
        let start = lineStart(before: last.start)
        let first = firstNonBlank(from: start)
        let indent = first == last.start ? Array(bytes[start..<first]) : Array("    ".utf8)
        let after = (bytes[(last.comma ?? last.end)...].firstIndex(of: 0x0A) ?? bytes.count - 1) + 1
        var line = indent + quoted
        if last.comma != nil { line += Array(",".utf8) }
        bytes.insert(contentsOf: line + newline, at: after)
        if last.comma == nil { bytes.insert(UInt8(ascii: ","), at: last.end) }
        return ProfileTextEdit.Result(text: text, line: lastLine + 1, changed: true)
    }

    /// Removes element `index` of `array` with its comma; an element alone
    /// on its line (with its comment) takes the whole line with it.
    mutating func remove(element index: Int, of array: ArrayValue) {
        let element = array.elements[index]
        let start = lineStart(before: element.start)
        let tail = skipBlanks(from: (element.comma.map { $0 + 1 }) ?? element.end)
        let endOfLine = tail < bytes.count && bytes[tail] == UInt8(ascii: "#")
            ? (bytes[tail...].firstIndex(of: 0x0A) ?? bytes.count) : tail
        let ownLine = firstNonBlank(from: start) == element.start && start > array.open
            && endOfLine < array.close && bytes[endOfLine] == 0x0A
        if ownLine {
            bytes.removeSubrange(start...endOfLine)
        } else if let comma = element.comma {
            bytes.removeSubrange(element.start..<skipBlanks(from: comma + 1))
        } else if index > 0 {
            bytes.removeSubrange(array.elements[index - 1].end..<element.end)
        } else {
            bytes.removeSubrange(element.start..<element.end)
        }
    }

    // MARK: Scanning

    private func lineStart(before offset: Int) -> Int {
        var index = min(offset, bytes.count)
        while index > 0, bytes[index - 1] != 0x0A { index -= 1 }
        return index
    }

    /// First byte from `offset` that is not a space, tab or CR (may be "\n").
    private func firstNonBlank(from offset: Int) -> Int { skipBlanks(from: offset) }

    private func skipBlanks(from offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        return index
    }

    private func failure(_ offset: Int, _ message: String) -> ProfileTextEdit.Failure {
        ProfileTextEdit.Failure(line: line(of: offset), message: message)
    }

    private mutating func scan(wholeDocument: Bool) throws(ProfileTextEdit.Failure) {
        var position = 0
        while position < bytes.count {
            let lineBegin = position
            position = skipBlanks(from: position)
            guard position < bytes.count else { break }
            switch bytes[position] {
            case 0x0A:
                position += 1
                continue
            case UInt8(ascii: "#"):
                position = (bytes[position...].firstIndex(of: 0x0A) ?? bytes.count - 1) + 1
                continue
            case UInt8(ascii: "["):
                if firstTable == nil { firstTable = lineBegin }
                guard wholeDocument else { return }
                position = try scanHeader(at: position, lineBegin: lineBegin)
                continue
            default:
                break
            }
            let (key, afterKey) = try scanKey(at: position)
            position = skipBlanks(from: afterKey)
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
                throw failure(position, "expected '=' after the key \(key)")
            }
            let valueStart = skipBlanks(from: position + 1)
            var array: ArrayValue?
            let valueEnd = try scanValue(at: valueStart, array: &array)
            position = skipBlanks(from: valueEnd)
            if position < bytes.count, bytes[position] == UInt8(ascii: "#") {
                position = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
            }
            guard position == bytes.count || bytes[position] == 0x0A else {
                throw failure(position, "unexpected text after the value of \(key)")
            }
            let next = min(position + 1, bytes.count)
            let entry = Entry(key: key, lineStart: lineBegin, valueStart: valueStart, valueEnd: valueEnd, next: next, array: array)
            if tables.isEmpty { entries.append(entry) } else { tables[tables.count - 1].entries.append(entry) }
            position = next
        }
    }

    /// Records the header `[name]` or `[[name]]` at `offset`; the offset past its line.
    private mutating func scanHeader(at offset: Int, lineBegin: Int) throws(ProfileTextEdit.Failure) -> Int {
        let isArray = offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "[")
        let (name, afterName) = try scanKey(at: offset + (isArray ? 2 : 1))
        var position = skipBlanks(from: afterName)
        for _ in 0..<(isArray ? 2 : 1) {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "]") else {
                throw failure(position, "expected '\(isArray ? "]]" : "]")' to close the table header [\(name)")
            }
            position += 1
        }
        position = skipBlanks(from: position)
        if position < bytes.count, bytes[position] == UInt8(ascii: "#") {
            position = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
        }
        guard position == bytes.count || bytes[position] == 0x0A else {
            throw failure(position, "unexpected text after the table header [\(name)]")
        }
        let next = min(position + 1, bytes.count)
        tables.append(Table(name: name, isArrayOfTables: isArray, headerStart: lineBegin, next: next, entries: []))
        return next
    }

    /// A key (bare, quoted or dotted); dotted keys come back with their dots, never matching a plain name.
    private func scanKey(at offset: Int) throws(ProfileTextEdit.Failure) -> (String, Int) {
        var position = offset
        var parts: [String] = []
        while true {
            position = skipBlanks(from: position)
            guard position < bytes.count else { throw failure(position, "a key without a value") }
            let start = position
            if bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") {
                position = try scanString(at: position)
                parts.append(Self.decodedString(Array(bytes[start..<position])) ?? "")
            } else {
                while position < bytes.count, Self.isBareKey(bytes[position]) { position += 1 }
                guard position > start else { throw failure(position, "expected a key") }
                parts.append(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            let after = skipBlanks(from: position)
            guard after < bytes.count, bytes[after] == UInt8(ascii: ".") else { break }
            position = after + 1
        }
        return (parts.joined(separator: "."), position)
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The end of the value at `offset`; `array` gets the elements when it is an array.
    private func scanValue(at offset: Int, array: inout ArrayValue?) throws(ProfileTextEdit.Failure) -> Int {
        guard offset < bytes.count else { throw failure(offset, "a key without a value") }
        switch bytes[offset] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return try scanString(at: offset)
        case UInt8(ascii: "["):
            return try scanArray(at: offset, into: &array)
        case UInt8(ascii: "{"):
            return try scanInlineTable(at: offset)
        default:
            var position = offset
            while position < bytes.count, !Self.endsScalar(bytes[position]) { position += 1 }
            guard position > offset else { throw failure(offset, "expected a value") }
            return position
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        [0x20, 0x09, 0x0D, 0x0A, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#")].contains(byte)
    }

    /// Past whitespace, newlines and comments (inside arrays).
    private func skipTrivia(from offset: Int) -> Int {
        var position = offset
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D, 0x0A: position += 1
            case UInt8(ascii: "#"): position = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
            default: return position
            }
        }
        return position
    }

    private func scanArray(at offset: Int, into array: inout ArrayValue?) throws(ProfileTextEdit.Failure) -> Int {
        var elements: [Element] = []
        var position = offset + 1
        while true {
            position = skipTrivia(from: position)
            guard position < bytes.count else { throw failure(offset, "an array without its closing ']'") }
            if bytes[position] == UInt8(ascii: "]") { break }
            var nested: ArrayValue?
            let end = try scanValue(at: position, array: &nested)
            let isString = bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
            var element = Element(start: position, end: end, value: isString ? Self.decodedString(Array(bytes[position..<end])) : nil)
            position = skipTrivia(from: end)
            guard position < bytes.count else { throw failure(offset, "an array without its closing ']'") }
            if bytes[position] == UInt8(ascii: ",") {
                element.comma = position
                position += 1
            } else if bytes[position] != UInt8(ascii: "]") {
                throw failure(position, "expected ',' or ']' in the array")
            }
            elements.append(element)
        }
        array = ArrayValue(open: offset, close: position, elements: elements)
        return position + 1
    }

    private func scanInlineTable(at offset: Int) throws(ProfileTextEdit.Failure) -> Int {
        var depth = 0
        var position = offset
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                position = try scanString(at: position)
                continue
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return position + 1 }
            case 0x0A: throw failure(position, "an inline table must end on its line")
            default: break
            }
            position += 1
        }
        throw failure(offset, "an inline table without its closing '}'")
    }

    /// The end (past the closing quote) of the string at `offset`: basic, literal, or multi-line.
    private func scanString(at offset: Int) throws(ProfileTextEdit.Failure) -> Int {
        let quote = bytes[offset]
        let triple = offset + 2 < bytes.count && bytes[offset + 1] == quote && bytes[offset + 2] == quote
        var position = offset + (triple ? 3 : 1)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                position += 2
                continue
            }
            if byte == 0x0A, !triple { break }
            if byte == quote {
                if !triple { return position + 1 }
                if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
                    // Up to two more quotes may belong to the content ("""a"""").
                    var end = position + 3
                    while end < bytes.count, bytes[end] == quote, end < position + 5 { end += 1 }
                    return end
                }
            }
            position += 1
        }
        throw failure(offset, "a string without its closing quote")
    }

    /// The value of a one-line TOML string token (basic with the common
    /// escapes, or literal); nil for anything else.
    static func decodedString(_ token: [UInt8]) -> String? {
        guard token.count >= 2, let quote = token.first, token.last == quote,
            quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
        else { return nil }
        let inner = Array(token[1..<(token.count - 1)])
        if quote == UInt8(ascii: "'") { return String(decoding: inner, as: UTF8.self) }
        var out: [UInt8] = []
        var index = 0
        while index < inner.count {
            let byte = inner[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < inner.count else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = inner[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let length = escape == UInt8(ascii: "u") ? 4 : 8
                guard index + length <= inner.count,
                    let code = UInt32(String(decoding: inner[index..<(index + length)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { return nil }
                out += Array(String(Character(scalar)).utf8)
                index += length
            default: out.append(escape)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
