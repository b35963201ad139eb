import DNSWire
import PinholeCore

/// The one form names are stored and matched in: lowercase, no trailing dot
/// ("." for the root).
enum StoredName {
    static func of(_ entry: QueryLogEntry) -> String {
        normalize(entry.questionName)
    }

    static func normalize(_ text: String) -> String {
        var name = text.lowercased()
        if name.count > 1, name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
