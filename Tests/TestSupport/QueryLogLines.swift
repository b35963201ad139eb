import Foundation

/// The per-query info lines pinholed logs ("… info pinholed: app=… pid=… …
/// [PinholeDaemon] query"), split into their key=value fields.
public enum QueryLogLines {
    /// Every query line in `log`, in order, as field dictionaries.
    public static func parse(_ log: String) -> [[String: String]] {
        log.split(separator: "\n").compactMap { line in
            guard line.hasSuffix("] query"), let start = line.range(of: "pinholed: "),
                let end = line.range(of: " [PinholeDaemon] query", options: .backwards)
            else { return nil }
            return fields(String(line[start.upperBound..<end.lowerBound]))
        }
    }

    /// `key=value key="quoted \" value"` → dictionary.
    public static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let key = String(text[index..<equals])
            index = text.index(after: equals)
            var value = ""
            if index < text.endIndex, text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"" {
                    if text[index] == "\\", text.index(after: index) < text.endIndex {
                        index = text.index(after: index)
                        value.append(text[index] == "n" ? "\n" : text[index])
                    } else {
                        value.append(text[index])
                    }
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                let end = text[index...].firstIndex(of: " ") ?? text.endIndex
                value = String(text[index..<end])
                index = end
            }
            result[key] = value
        }
        return result
    }

    /// Waits up to `seconds` for query lines of `daemon` matching `predicate`
    /// until there are `count` of them; returns those found (maybe fewer).
    public static func wait(
        for daemon: DaemonProcess, count: Int = 1, seconds: Double = 10, where predicate: ([String: String]) -> Bool
    ) -> [[String: String]] {
        let deadline = Date().addingTimeInterval(seconds)
        var found: [[String: String]] = []
        repeat {
            found = parse(daemon.log).filter(predicate)
            if found.count >= count { return found }
            usleep(20_000)
        } while Date() < deadline
        return found
    }

    /// Waits up to `seconds` for `text` to appear in `daemon`'s log.
    public static func waitForText(in daemon: DaemonProcess, _ text: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if daemon.log.contains(text) { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }
}
