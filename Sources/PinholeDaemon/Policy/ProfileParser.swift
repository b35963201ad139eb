import PinholeCore
import TOMLKit

/// Reads one profile file (TOML) into an `AppProfile`, collecting every
/// problem with its file, line and key instead of stopping at the first.
struct ProfileParser {
    private let file: String
    private let name: String
    private let text: String
    private let reader: ConfigValueReader
    private let elements: TOMLElementLines
    private let registrable: ((PolicyName) -> PolicyName?)?
    private(set) var errors: [ConfigError] = []

    /// `name` is the file stem; `registrable` checks `vendor` entries (nil: unchecked).
    init(text: String, file: String, name: String, registrable: ((PolicyName) -> PolicyName?)?) {
        self.file = file
        self.name = name
        self.reader = ConfigValueReader(file: file, locator: ConfigLineLocator(source: text))
        self.elements = TOMLElementLines(source: text)
        self.registrable = registrable
        self.text = text
    }

    /// The profile, or nil when the file has errors (then in `errors`).
    mutating func parse() -> AppProfile? {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let syntax as TOMLParseError {
            errors.append(
                ConfigError(
                    file: file, line: syntax.source.begin.line, column: syntax.source.begin.column,
                    message: "TOML syntax error: \(syntax.description)"))
            return nil
        } catch {
            errors.append(ConfigError(file: file, message: "cannot parse the file as TOML: \(error)"))
            return nil
        }
        for key in root.keys where !ProfileSchema.keys.contains(key) {
            fail([key], "unknown key (known keys: \(ProfileSchema.keys.joined(separator: ", ")))")
        }

        var profile = AppProfile(name: name, file: file)
        if let value = root["mode"]?.tomlValue {
            if let mode = value.string.flatMap(PolicyMode.init(rawValue:)) {
                profile.mode = mode
                profile.modeSource = source(["mode"])
            } else {
                fail(["mode"], "expected one of \(PolicyMode.names), got \(ConfigValueReader.show(value))")
            }
        }
        profile.allow = DomainRuleSet(sourced(root, "allow") { text, source throws(PolicySyntaxError) in
            try DomainRule(parsing: text, source: source)
        }.map(\.value))
        profile.deny = DomainRuleSet(sourced(root, "deny") { text, source throws(PolicySyntaxError) in
            try DomainRule(parsing: text, source: source)
        }.map(\.value))
        let registrable = self.registrable
        profile.vendor = sourced(root, "vendor") { text, _ throws(PolicySyntaxError) in
            try Self.vendorDomain(text, registrable)
        }
        profile.lists = sourced(root, "lists") { text, _ throws(PolicySyntaxError) in
            guard !text.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw PolicySyntaxError("\"\(text)\": a list name has no spaces")
            }
            return text
        }
        profile.allowCIDRs = sourced(root, "allow_cidrs") { text, _ throws(PolicySyntaxError) in try CIDRBlock(parsing: text) }
        profile.interfaces = sourced(root, "interfaces") { text, _ throws(PolicySyntaxError) in try Self.interface(text) }
        if let value = root["block_reply"]?.tomlValue {
            if let reply = value.string.flatMap(BlockReply.init(rawValue:)) {
                profile.blockReply = Sourced(reply, source(["block_reply"]))
            } else {
                fail(["block_reply"], "expected one of \(BlockReply.names), got \(ConfigValueReader.show(value))")
            }
        }
        if let value = root["rebinding_guard"]?.tomlValue {
            do {
                profile.rebindingGuard = try reader.bool(value, ["rebinding_guard"])
            } catch {
                errors.append(error)
            }
        }
        if let value = root["log"]?.tomlValue {
            do {
                profile.log = try reader.bool(value, ["log"])
            } catch {
                errors.append(error)
            }
        }
        profile.match = parseMatch(root)
        return errors.isEmpty ? profile : nil
    }

    /// Reads `key` (a string or an array of strings) and converts each element; a failure is an error at its line.
    private mutating func sourced<T>(
        _ root: TOMLTable, _ key: String, _ convert: (String, RuleSource) throws(PolicySyntaxError) -> T
    ) -> [Sourced<T>] {
        guard let value = root[key]?.tomlValue else { return [] }
        var result: [Sourced<T>] = []
        for (text, line) in strings(value, [key]) {
            let source = RuleSource(file: file, line: line ?? 0)
            do {
                result.append(Sourced(try convert(text, source), source))
            } catch {
                fail([key], error.message, line: line)
            }
        }
        return result
    }

    private mutating func parseMatch(_ root: TOMLTable) -> ProfileMatch {
        var match = ProfileMatch()
        guard let value = root["match"] else {
            if name != ProfileSchema.defaultName {
                errors.append(
                    ConfigError(
                        file: file,
                        message: "no [match] table: give at least one of match.unit, match.executable, match.cgroup, "
                            + "match.user (only \(ProfileSchema.defaultName).toml, the default profile, has none)"))
            }
            return match
        }
        guard let table = value.table else {
            fail(["match"], "expected a table ([match])")
            return match
        }
        if name == ProfileSchema.defaultName {
            fail(["match"], "the default profile (\(ProfileSchema.defaultName).toml) applies to apps no other profile matches; it has no [match]")
            return match
        }
        for key in table.keys where !ProfileSchema.matchKeys.contains(key) {
            fail(["match", key], "unknown key (known keys in [match]: \(ProfileSchema.matchKeys.joined(separator: ", ")))")
        }
        match.units = globs(table, "unit", pathLike: false)
        match.executables = globs(table, "executable", pathLike: true)
        match.cgroups = globs(table, "cgroup", pathLike: true)
        if let value = table["user"]?.tomlValue {
            let path = ["match", "user"]
            let items = value.array.map { Array($0).map(\.tomlValue) } ?? [value]
            for item in items {
                if let uid = item.int, (0..<Int(UInt32.max)).contains(uid) {
                    match.users.append(Sourced(.uid(UInt32(uid)), source(path)))
                } else if let user = item.string, !user.isEmpty {
                    let line = elements.lines(of: [user], keyLine: reader.locator.line(of: path)).first ?? nil
                    match.users.append(Sourced(.name(user), RuleSource(file: file, line: line ?? 0)))
                } else {
                    fail(path, "expected a user name or a uid (or an array of them), got \(ConfigValueReader.show(item))")
                }
            }
        }
        if table.keys.isEmpty || (match.isEmpty && errors.isEmpty) {
            fail(["match"], "expected at least one of \(ProfileSchema.matchKeys.joined(separator: ", "))")
        }
        return match
    }

    /// `match.KEY` as globs; `pathLike` ones must be absolute paths (or start with a wildcard).
    private mutating func globs(_ table: TOMLTable, _ key: String, pathLike: Bool) -> [Sourced<Glob>] {
        guard let value = table[key]?.tomlValue else { return [] }
        let path = ["match", key]
        return strings(value, path).compactMap { text, line in
            do throws(PolicySyntaxError) {
                if pathLike, !(text.hasPrefix("/") || text.hasPrefix("*")) {
                    throw PolicySyntaxError("\"\(text)\": expected an absolute path (or a glob starting with / or *)")
                }
                return Sourced(try Glob(text), RuleSource(file: file, line: line ?? 0))
            } catch {
                fail(path, error.message, line: line)
                return nil
            }
        }
    }

    /// A string or an array of strings, each with its line; other types are errors.
    private mutating func strings(_ value: TOMLValue, _ path: [String]) -> [(String, Int?)] {
        var texts: [String] = []
        if let single = value.string {
            texts = [single]
        } else if let array = value.array {
            for element in array {
                guard let text = element.tomlValue.string else {
                    fail(path, "expected strings, got the element \(ConfigValueReader.show(element.tomlValue))")
                    continue
                }
                texts.append(text)
            }
        } else {
            fail(path, "expected a string or an array of strings, got \(ConfigValueReader.show(value))")
        }
        return Array(zip(texts, elements.lines(of: texts, keyLine: reader.locator.line(of: path))))
    }

    private static func vendorDomain(
        _ text: String, _ registrable: ((PolicyName) -> PolicyName?)?
    ) throws(PolicySyntaxError) -> PolicyName {
        guard let domain = PolicyName(text), !domain.text.isEmpty else {
            throw PolicySyntaxError("\"\(text)\": not a valid domain name (IDNs in punycode, xn--…)")
        }
        guard let registrable else { return domain }
        guard let own = registrable(domain) else {
            throw PolicySyntaxError("\"\(text)\" is a public suffix, not a registrable domain")
        }
        guard own == domain else {
            throw PolicySyntaxError("\"\(text)\" is not a registrable domain; did you mean \"\(own)\"?")
        }
        return domain
    }

    /// A network interface name as the kernel allows it (1…15 bytes, no '/', no whitespace).
    private static func interface(_ text: String) throws(PolicySyntaxError) -> String {
        let valid = (1...15).contains(text.utf8.count) && text != "." && text != ".."
            && !text.contains { $0 == "/" || $0 == ":" || $0.isWhitespace }
        guard valid else { throw PolicySyntaxError("\"\(text)\": not an interface name (1…15 characters, no '/', ':' or spaces)") }
        return text
    }

    private func source(_ path: [String]) -> RuleSource {
        RuleSource(file: file, line: reader.locator.line(of: path) ?? 0)
    }

    private mutating func fail(_ path: [String], _ message: String, line: Int? = nil) {
        var error = reader.error(path, message)
        if let line { error.line = line }
        errors.append(error)
    }
}
