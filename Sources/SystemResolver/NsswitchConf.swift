import Foundation

/// The `hosts:` line of nsswitch.conf(5), and the one edit pinhole makes to
/// it: dropping the `resolve` source (nss-resolve asks systemd-resolved over
/// varlink, never sending a DNS packet, so it would bypass pinhole).
public struct NsswitchConf: Sendable, Equatable {
    /// The whole file.
    public var text: String

    public init(text: String) {
        self.text = text
    }

    /// The sources of the `hosts:` line with their `[...]` actions, in
    /// order ("files", "resolve", "[!UNAVAIL=return]", "dns"); nil when the
    /// file has no hosts line (glibc then uses "dns files").
    public var hostsTokens: [String]? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let tokens = Self.hostsTokens(of: line) { return tokens }
        }
        return nil
    }

    /// The sources alone (actions left out).
    public var hostsSources: [String]? {
        hostsTokens?.filter { !$0.hasPrefix("[") }
    }

    /// True when the hosts line names nss-resolve.
    public var usesResolve: Bool { hostsSources?.contains("resolve") ?? false }

    /// True when DNS queries go out through glibc's own stub (`dns` source,
    /// or no hosts line at all).
    public var usesDNS: Bool { hostsSources?.contains("dns") ?? true }

    /// The file with `resolve` (and the action right after it) removed from
    /// the hosts line; every other byte is kept, the line's own spacing too.
    /// When `resolve` was the only DNS source, `dns` takes its place.
    public func removingResolve() -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            guard let tokens = Self.hostsTokens(of: Substring(lines[index])), tokens.contains("resolve") else { continue }
            var kept: [String] = []
            var skipAction = false
            for token in tokens {
                if token == "resolve" {
                    skipAction = true
                    continue
                }
                if skipAction, token.hasPrefix("[") {
                    skipAction = false
                    continue
                }
                skipAction = false
                kept.append(token)
            }
            if !kept.contains("dns") {
                // Put dns where resolve was, so names still resolve.
                let position = tokens.firstIndex(of: "resolve").map { tokens[..<$0].filter { kept.contains($0) }.count } ?? kept.count
                kept.insert("dns", at: min(position, kept.count))
            }
            let line = lines[index]
            let prefixEnd = line.range(of: ":")!.upperBound
            let spacing = line[prefixEnd...].prefix(while: { $0 == " " || $0 == "\t" })
            lines[index] = String(line[..<prefixEnd]) + (spacing.isEmpty ? " " : String(spacing)) + kept.joined(separator: " ")
        }
        return lines.joined(separator: "\n")
    }

    /// The tokens of `line` when it is the hosts line (comments cut).
    static func hostsTokens(of line: Substring) -> [String]? {
        let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = content.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix("hosts"), let colon = trimmed.firstIndex(of: ":"),
            trimmed[..<colon].trimmingCharacters(in: .whitespaces) == "hosts"
        else { return nil }
        // "[!UNAVAIL = return]" may hold spaces: join bracketed parts.
        var tokens: [String] = []
        var pending: String?
        for word in trimmed[trimmed.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if var open = pending {
                open += " " + word
                if word.contains("]") {
                    tokens.append(open)
                    pending = nil
                } else {
                    pending = open
                }
            } else if word.hasPrefix("[") && !word.contains("]") {
                pending = String(word)
            } else {
                tokens.append(String(word))
            }
        }
        if let open = pending { tokens.append(open) }
        return tokens
    }
}
