/// Finds the line of a key or table in TOML source text.
///
/// TOMLKit reports positions only for syntax errors, so this scans the text
/// for `[table]` headers and `key = value` lines. It understands bare, quoted
/// and dotted keys and skips multi-line strings; a key it cannot place (e.g.
/// inside an inline table) gets the line of the enclosing `key = {...}`, or
/// no line at all, never a wrong one.
struct ConfigLineLocator {
    private enum Kind { case header, assignment }
    private var lines: [[String]: (line: Int, kind: Kind)] = [:]

    init(source: String) {
        var table: [String] = []
        var openMultiline: String?  // the delimiter of a multi-line string being skipped
        var number = 0
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let text = Substring(rawLine.trimmingSuffix("\r"))
            if let delimiter = openMultiline {
                if text.contains(delimiter) { openMultiline = nil }
                continue
            }
            var scanner = Scanner(text)
            scanner.skipSpaces()
            if scanner.peek == "[" {
                scanner.advance()
                let isArray = scanner.peek == "["
                if isArray { scanner.advance() }
                guard let key = scanner.key(), scanner.consume("]") else { continue }
                if isArray && !scanner.consume("]") { continue }
                table = key
                record(key, number, .header)
            } else if let key = scanner.key(), scanner.consume("=") {
                record(table + key, number, .assignment)
                let rest = scanner.remainder
                for delimiter in ["\"\"\"", "'''"] where rest.occurrences(of: delimiter) % 2 == 1 {
                    openMultiline = delimiter
                }
            }
        }
    }

    /// The line of `path` (its `key =` line or `[table]` header), or of the
    /// nearest enclosing `key = {inline table}`; nil when not found.
    func line(of path: [String]) -> Int? {
        if let entry = lines[path] { return entry.line }
        var prefix = path
        while prefix.count > 1 {
            prefix.removeLast()
            if let entry = lines[prefix] { return entry.kind == .assignment ? entry.line : nil }
        }
        return nil
    }

    private mutating func record(_ path: [String], _ line: Int, _ kind: Kind) {
        if lines[path] == nil { lines[path] = (line, kind) }
    }
}

/// A cursor over one line of TOML, just enough to read keys.
private struct Scanner {
    private let text: Substring
    private var index: Substring.Index

    init(_ text: Substring) {
        self.text = text
        self.index = text.startIndex
    }

    var peek: Character? { index < text.endIndex ? text[index] : nil }
    var remainder: Substring { text[index...] }

    mutating func advance() { index = text.index(after: index) }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { advance() }
    }

    /// Skips spaces, then consumes `c` if it is next.
    mutating func consume(_ c: Character) -> Bool {
        skipSpaces()
        guard peek == c else { return false }
        advance()
        return true
    }

    /// Reads a possibly dotted, possibly quoted key; nil if none is here.
    mutating func key() -> [String]? {
        var parts: [String] = []
        repeat {
            skipSpaces()
            guard let part = simpleKey() else { return nil }
            parts.append(part)
            skipSpaces()
        } while consume(".")
        return parts
    }

    private mutating func simpleKey() -> String? {
        switch peek {
        case "\"":
            advance()
            var value = ""
            while let c = peek, c != "\"" {
                advance()
                if c == "\\", let escaped = peek {
                    value.append(escaped)
                    advance()
                } else {
                    value.append(c)
                }
            }
            guard peek == "\"" else { return nil }
            advance()
            return value
        case "'":
            advance()
            var value = ""
            while let c = peek, c != "'" {
                value.append(c)
                advance()
            }
            guard peek == "'" else { return nil }
            advance()
            return value
        default:
            var value = ""
            while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" {
                value.append(c)
                advance()
            }
            return value.isEmpty ? nil : value
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }

    fileprivate func occurrences(of needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
