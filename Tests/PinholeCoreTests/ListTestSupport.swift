@testable import PinholeCore

/// Parses `text` as a list file named "test.list".
func parseList(_ text: String, _ format: ListFormat, plainLines: DomainMatch = .subtree) -> ParsedList {
    ListParser(format: format, plainLines: plainLines).parse(Array(text.utf8), file: "test.list")
}

/// Entries as "match name line" strings, flags appended, for compact expectations.
func summary(_ list: ParsedList) -> [String] {
    list.entries.map { entry in
        var text = "\(entry.match.rawValue) \(entry.name) \(entry.line)"
        if entry.isException { text += " exception" }
        if entry.isImportant { text += " important" }
        if let types = entry.dnsTypes { text += " \(types)" }
        return text
    }
}
