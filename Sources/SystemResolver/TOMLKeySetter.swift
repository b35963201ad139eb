/// Sets one `key = value` in a table of a TOML text with a minimal edit:
/// the key's line is replaced where it is set, else the key is added right
/// under the table's header, else the table is appended; every other byte
/// (comments, order, blank lines) is kept. Enough for the two keys
/// `system-resolver enable` sets in pinhole.toml; the result is parsed by
/// the config loader before it is written.
public enum TOMLKeySetter {
    /// `text` with `[table] key = value`; `value` is TOML as written
    /// (`"\"/etc/x\""`, `"true"`).
    public static func set(table: String, key: String, value: String, in text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let assignment = "\(key) = \(value)"
        var current: String?  // the table the line is in ("" for the top level)
        var headerIndex: Int?
        current = ""
        for index in lines.indices {
            let line = lines[index].drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("[") {
                if headerIndex != nil { break }  // past the end of our table
                current = tableName(of: line)
                if current == table { headerIndex = index }
                continue
            }
            if current == "", isAssignment(line, of: "\(table).\(key)") {
                lines[index] = "\(table).\(key) = \(value)"
                return lines.joined(separator: "\n")
            }
            if current == table, isAssignment(line, of: key) {
                lines[index] = assignment
                return lines.joined(separator: "\n")
            }
        }
        if let headerIndex {
            lines.insert(assignment, at: headerIndex + 1)
            return lines.joined(separator: "\n")
        }
        var result = text
        if !result.isEmpty && !result.hasSuffix("\n") { result += "\n" }
        if !result.isEmpty { result += "\n" }
        return result + "[\(table)]\n\(assignment)\n"
    }

    /// "upstream" for "[upstream]" or "[ upstream ] # comment"; nil for arrays of tables.
    static func tableName(of line: Substring) -> String? {
        guard !line.hasPrefix("[["), let close = line.firstIndex(of: "]") else { return nil }
        return line[line.index(after: line.startIndex)..<close].filter { $0 != " " && $0 != "\t" }
    }

    /// True when `line` assigns `key` (`key = …`, `key=…`).
    static func isAssignment(_ line: Substring, of key: String) -> Bool {
        guard line.hasPrefix(key) else { return false }
        let rest = line.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
        return rest.hasPrefix("=")
    }
}
