import Foundation
import PinholeCore

/// Command lines and parent chains as stored: JSON arrays, so any argument survives.
enum ProcessText {
    static func commandLine(_ arguments: [String]) -> String {
        encode(arguments)
    }

    static func ancestors(_ ancestors: [ProcessAncestor]) -> String {
        encode(ancestors.map { "\($0.pid) \($0.name)" })
    }

    static func decodeCommandLine(_ text: String) -> [String] { decode(text) }

    static func decodeAncestors(_ text: String) -> [ProcessAncestor] {
        decode(text).compactMap { item in
            guard let space = item.firstIndex(of: " "), let pid = Int32(item[..<space]) else { return nil }
            return ProcessAncestor(pid: pid, name: String(item[item.index(after: space)...]))
        }
    }

    private static func encode(_ items: [String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: items, options: [.withoutEscapingSlashes]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decode(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }
}
