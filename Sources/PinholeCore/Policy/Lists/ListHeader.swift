/// Settings a list file may carry in its leading comment lines (`#` or
/// `!`), so a list folder needs no config per list:
///
///     # Category: telemetry
///     # Plain-lines: exact        (bare names mean the name alone; default subtree)
public struct ListHeader: Sendable, Hashable {
    public var category: String?
    public var plainLines: DomainMatch?

    public init(category: String? = nil, plainLines: DomainMatch? = nil) {
        self.category = category
        self.plainLines = plainLines
    }

    /// The header of `bytes`: comment lines before the first rule.
    public static func parse(_ bytes: [UInt8]) -> ListHeader {
        var header = ListHeader()
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let text = String(decoding: line, as: UTF8.self).trimmingWhitespace
            if text.isEmpty { continue }
            guard text.hasPrefix("#") || text.hasPrefix("!") else { break }
            let body = String(text.dropFirst()).trimmingWhitespace
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].lowercased()
            let value = String(body[body.index(after: colon)...]).trimmingWhitespace
            switch key {
            case "category" where !value.isEmpty && header.category == nil: header.category = value
            case "plain-lines": header.plainLines = DomainMatch(rawValue: value.lowercased())
            default: break
            }
        }
        return header
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
