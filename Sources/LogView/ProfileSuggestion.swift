import PinholeCore
import QueryLog

/// The profile `pinhole suggest` proposes for one app: `mode = "enforce"`,
/// one `allow` entry per registrable domain the app used (the entry
/// `"example.com"` covers the name and every name below it), each with a
/// comment (queries, first/last seen); a domain the global lists would
/// block is marked with the lists' categories and left commented out, so
/// installing the profile never quietly allows a tracker. `[match]` comes
/// from the app's identity.
public struct ProfileSuggestion: Sendable {
    /// One registrable domain and what the lists say about names under it.
    public struct Entry: Sendable {
        public var summary: DomainSummary
        /// "category (list)" of each list that would block a name the app used under it; empty: none.
        public var blockedBy: [String]

        public init(summary: DomainSummary, blockedBy: [String] = []) {
            self.summary = summary
            self.blockedBy = blockedBy
        }
    }

    /// The app key the log files it under.
    public var app: String
    /// The identity seen last.
    public var unit: String?
    public var userUnit: String?
    public var executable: String?
    public var entries: [Entry]
    /// What the comment at the top says it was made from ("--since 7d").
    public var window: String

    public init(app: String, unit: String?, userUnit: String?, executable: String?, entries: [Entry], window: String) {
        self.app = app
        self.unit = unit
        self.userUnit = userUnit
        self.executable = executable
        self.entries = entries
        self.window = window
    }

    /// The `[match]` key and value that select this app: a unit (or unit
    /// glob for units with a random instance part), else the executable.
    public var match: (key: String, value: String) {
        if app.hasPrefix("flatpak:") { return ("unit", "app-flatpak-\(app.dropFirst("flatpak:".count))-*.scope") }
        if app.hasPrefix("snap:") { return ("unit", "snap.\(app.dropFirst("snap:".count)).*") }
        if app.hasPrefix("exec:") { return ("unit", "pinhole-\(app.dropFirst("exec:".count))-*.scope") }
        for unit in [userUnit, unit].compactMap({ $0 }) {
            if unit == app { return ("unit", unit) }
            // A desktop app's key drops the random instance: app-firefox-1234.scope → app-firefox.scope.
            if app.hasPrefix("app-") {
                if app.hasSuffix(".scope") { return ("unit", String(app.dropLast(".scope".count)) + "-*.scope") }
                if app.hasSuffix(".service") { return ("unit", String(app.dropLast(".service".count)) + "@*.service") }
            }
        }
        if app.hasPrefix("/") { return ("executable", app) }
        return ("executable", executable ?? app)
    }

    /// A file name stem for the profile: the key without its prefix or unit suffix, safe characters only.
    public var profileName: String {
        var name = app
        for prefix in ["flatpak:", "snap:", "exec:"] where name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)) }
        if name.hasPrefix("/") { name = String(name.split(separator: "/").last ?? "app") }
        for suffix in [".service", ".scope"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
        return safe.isEmpty || safe == "default" ? "app" : safe
    }

    /// The profile's TOML text; `time` formats ms for the comments.
    public func toml(time: (Int64) -> String) -> String {
        var text = """
            # Suggested by `pinhole suggest --app \(app) \(window)` from the query log:
            # the registrable domains this app asked for. Each allow entry covers the
            # name and every name below it. Entries marked LISTED would be blocked by
            # the global lists; they stay commented out until you decide.

            mode = "enforce"

            allow = [

            """
        for entry in entries {
            let domain = entry.summary
            let quoted = "\"\(Self.escaped(domain.domain))\","
            var comment = "\(domain.queries) quer\(domain.queries == 1 ? "y" : "ies")"
            if domain.blocked > 0 { comment += " (\(domain.blocked) blocked)" }
            comment += ", first \(time(domain.firstSeen)), last \(time(domain.lastSeen))"
            if entry.blockedBy.isEmpty {
                text += "    \(quoted.padding(toLength: max(quoted.count, 32), withPad: " ", startingAt: 0)) # \(comment)\n"
            } else {
                text += "    # LISTED: \(entry.blockedBy.joined(separator: ", ")) would block it\n"
                text += "    # \(quoted.padding(toLength: max(quoted.count, 30), withPad: " ", startingAt: 0)) # \(comment)\n"
            }
        }
        text += "]\n\n[match]\n"
        let match = match
        text += "\(match.key) = \"\(Self.escaped(match.value))\"\n"
        return text
    }

    /// A TOML basic string's contents.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where character.value < 0x20 || character.value == 0x7F: out += "\\u" + Self.hex4(character.value)
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Four hex digits.
    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
