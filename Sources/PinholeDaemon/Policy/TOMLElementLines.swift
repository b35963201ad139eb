/// Finds the line of each string in a TOML array, so a rule written on
/// its own line of a multi-line array gets that line, not the key's.
///
/// TOMLKit gives no positions for values, so this searches the source
/// text, from the key's line on, for each element's quoted text in order
/// (literal 'x' or basic "x", with `\` and `"` escaped). An element it
/// cannot find gets the key's line: never a wrong line, at worst a coarse one.
struct TOMLElementLines {
    private let lines: [Substring]

    init(source: String) {
        lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The lines of `values`, the elements of the array whose key is on `keyLine` (1-based).
    func lines(of values: [String], keyLine: Int?) -> [Int?] {
        guard let keyLine, keyLine >= 1, keyLine <= lines.count else { return values.map { _ in keyLine } }
        var line = keyLine - 1
        var column = lines[line].firstIndex(of: "=").map { lines[line].index(after: $0) } ?? lines[line].startIndex
        var result: [Int?] = []
        for value in values {
            let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            let needles = ["'\(value)'", "\"\(escaped)\""]
            var searchLine = line
            var searchFrom = column
            var found: (line: Int, end: Substring.Index)?
            while searchLine < lines.count, found == nil {
                let rest = lines[searchLine][searchFrom...]
                let hits = needles.compactMap { rest.firstRange(of: $0) }
                if let first = hits.min(by: { $0.lowerBound < $1.lowerBound }) {
                    found = (searchLine, first.upperBound)
                } else {
                    searchLine += 1
                    if searchLine < lines.count { searchFrom = lines[searchLine].startIndex }
                }
            }
            if let found {
                line = found.line
                column = found.end
                result.append(found.line + 1)
            } else {
                result.append(keyLine)
            }
        }
        return result
    }
}
