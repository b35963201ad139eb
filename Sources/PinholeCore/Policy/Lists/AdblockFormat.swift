/// The DNS subset of adblock syntax (as AdGuard Home reads it):
/// `||a.example^` subtree, `|a.example^` the name alone, `@@` exception,
/// `$important`, `$dnstype=A|~AAAA`, a bare `a.example` per the list.
/// Cosmetic and URL rules, and rules with any other modifier, are ignored
/// and counted (by the first unknown modifier, so counts add up to rules).
enum AdblockFormat {
    static func parse(_ line: ListLine, plainLines: DomainMatch, into builder: inout ParsedListBuilder) {
        var line = line
        line.trim()
        guard let first = line.range.first.map({ line.bytes[$0] }) else { return }
        if first == UInt8(ascii: "!") || first == UInt8(ascii: "[") { return }
        if isCosmetic(line) {
            builder.ignore("cosmetic")
            return
        }
        if first == UInt8(ascii: "#") { return }  // hosts-style comment

        var body = line.range
        let isException = line.hasPrefix("@@", in: body)
        if isException { body = body.lowerBound + 2..<body.upperBound }

        var isImportant = false
        var dnsTypes: DNSTypeFilter?
        if let dollar = body.reversed().first(where: { line.bytes[$0] == UInt8(ascii: "$") }) {
            let modifiers = line.text(dollar + 1..<body.upperBound)
            body = body.lowerBound..<dollar
            for modifier in modifiers.split(separator: ",") {
                let name = modifier.split(separator: "=", maxSplits: 1).first ?? modifier
                switch name {
                case "important":
                    isImportant = true
                case "dnstype" where modifier.contains("="):
                    switch DNSTypeFilter.parse(modifier.dropFirst("dnstype=".count)) {
                    case .success(let filter): dnsTypes = filter
                    case .failure(let reason):
                        builder.reject(line, reason.text)
                        return
                    }
                default:
                    builder.ignore("$" + name)
                    return
                }
            }
        }

        var match = plainLines
        var anchored = true
        if line.hasPrefix("||", in: body) {
            match = .subtree
            body = body.lowerBound + 2..<body.upperBound
        } else if line.hasPrefix("|", in: body) {
            match = .exact
            body = body.lowerBound + 1..<body.upperBound
        } else {
            anchored = false
        }
        // The separator `^`, maybe followed by the end anchor `|`.
        if line.hasSuffix("|", in: body) { body = body.lowerBound..<body.upperBound - 1 }
        if line.hasSuffix("^", in: body) { body = body.lowerBound..<body.upperBound - 1 }
        if body.isEmpty || isPattern(body, in: line) || (!anchored && !looksLikeDomain(body, in: line)) {
            builder.ignore("url rule")
            return
        }
        builder.add(
            line, name: body, match: match, isException: isException, isImportant: isImportant,
            dnsTypes: dnsTypes)
    }

    /// Element hiding and scriptlets: `##`, `#@#`, `#?#`, `#$#`, `#%#`.
    private static func isCosmetic(_ line: ListLine) -> Bool {
        var index = line.range.lowerBound
        while index + 1 < line.range.upperBound {
            if line.bytes[index] == UInt8(ascii: "#") {
                switch line.bytes[index + 1] {
                case UInt8(ascii: "#"), UInt8(ascii: "@"), UInt8(ascii: "?"), UInt8(ascii: "$"), UInt8(ascii: "%"):
                    return true
                default: break
                }
            }
            index += 1
        }
        return false
    }

    /// A bare rule is a substring pattern to adblockers; it is read as a
    /// domain only when it looks like one ("a.example", not "-ad-server." or "banner").
    private static func looksLikeDomain(_ part: Range<Int>, in line: ListLine) -> Bool {
        let first = line.bytes[part.lowerBound]
        let last = line.bytes[part.upperBound - 1]
        let edges: Set<UInt8> = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_")]
        guard !edges.contains(first), !edges.contains(last) else { return false }
        return line.firstIndex(of: UInt8(ascii: "."), in: part) != nil
    }

    /// Paths, wildcards, regexes, ports: what only a URL filter can use.
    private static func isPattern(_ part: Range<Int>, in line: ListLine) -> Bool {
        for index in part {
            switch line.bytes[index] {
            case UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "^"), UInt8(ascii: "|"), UInt8(ascii: ":"),
                UInt8(ascii: "?"), UInt8(ascii: "="), UInt8(ascii: "&"):
                return true
            default: continue
            }
        }
        return false
    }
}
