/// dnsmasq configuration lines that block: `address=/a.example/[b.example/]TARGET`
/// with a null target (empty, `#`, 0.0.0.0, ::, 127.0.0.1, ::1), and
/// `server=/a.example/` or `local=/a.example/` (answer locally: NXDOMAIN).
/// Each domain covers its subtree, as in dnsmasq; `*.a.example` its
/// subdomains. Other directives and redirects are ignored and counted.
enum DnsmasqFormat {
    private static let nullTargets: Set<String> = ["", "#", "0.0.0.0", "::", "127.0.0.1", "::1"]

    static func parse(_ line: ListLine, into builder: inout ParsedListBuilder) {
        var line = line
        line.trim()
        guard !line.range.isEmpty, line.bytes[line.range.lowerBound] != UInt8(ascii: "#") else { return }
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            builder.ignore("directive \(line.text(line.range))")
            return
        }
        let directive = line.text(line.range.lowerBound..<equals)
        let value = equals + 1..<line.range.upperBound
        guard directive == "address" || directive == "server" || directive == "local" else {
            builder.ignore("directive \(directive)")
            return
        }
        guard line.hasPrefix("/", in: value) else {
            // server=1.1.1.1: an upstream, not a rule.
            builder.ignore("\(directive) without /domain/")
            return
        }
        guard let lastSlash = value.reversed().first(where: { line.bytes[$0] == UInt8(ascii: "/") }),
            lastSlash > value.lowerBound
        else {
            builder.reject(line, "\(directive)=/…/ has no closing '/'")
            return
        }
        let target = line.text(lastSlash + 1..<value.upperBound)
        let blocks = directive == "address" ? nullTargets.contains(target) : target.isEmpty
        guard blocks else {
            builder.ignore(directive == "address" ? "address redirect" : "server forward")
            return
        }
        var start = value.lowerBound + 1
        while start < lastSlash {
            var end = start
            while end < lastSlash, line.bytes[end] != UInt8(ascii: "/") { end += 1 }
            addDomain(line, start..<end, into: &builder)
            start = end + 1
        }
    }

    private static func addDomain(_ line: ListLine, _ part: Range<Int>, into builder: inout ParsedListBuilder) {
        if line.text(part) == "#" {
            builder.reject(line, "'/#/' (every domain) is not a list entry")
        } else if line.hasPrefix("*.", in: part) {
            builder.add(line, name: part.lowerBound + 2..<part.upperBound, match: .subdomains)
        } else if line.hasPrefix(".", in: part) {
            builder.add(line, name: part.lowerBound + 1..<part.upperBound, match: .subtree)
        } else {
            builder.add(line, name: part, match: .subtree)
        }
    }
}
