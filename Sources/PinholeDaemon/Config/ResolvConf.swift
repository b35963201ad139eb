/// The `nameserver` and `search`/`domain` lines of a resolv.conf(5) file.
public struct ResolvConf: Sendable, Equatable {
    /// The servers in file order, port 53. An IPv6 scope ("%eth0") is kept
    /// on link-local addresses, which need it, and dropped on others.
    public var nameservers: [SocketAddressText]
    /// `nameserver` values that are not numeric addresses (glibc ignores them too).
    public var ignoredNameservers: [String]
    /// The search list, as glibc reads it: the domains of the last `search`
    /// or `domain` line (a `domain` line is a list of one).
    public var searchDomains: [String]

    /// Parses resolv.conf text: comments start with `#` or `;`; lines other
    /// than `nameserver`, `search` and `domain` (options, sortlist, …) are ignored.
    public init(parsing text: String) {
        nameservers = []
        ignoredNameservers = []
        searchDomains = []
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let keyword = words.first, keyword == "search" || keyword == "domain" {
                let domains = words.dropFirst().prefix(keyword == "domain" ? 1 : Int.max)
                searchDomains = Array(domains.prefix { !$0.hasPrefix("#") && !$0.hasPrefix(";") }).map(String.init)
                continue
            }
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            let value = String(words[1])
            guard var address = try? SocketAddressText(parsing: value) else {
                ignoredNameservers.append(value)
                continue
            }
            if !address.isIPv6LinkLocal { address.scope = nil }
            if !nameservers.contains(address) { nameservers.append(address) }
        }
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConfigError) -> ResolvConf {
        do {
            return ResolvConf(parsing: try TextFile.contents(of: path))
        } catch {
            throw ConfigError(
                file: path, key: "upstream.resolv_conf",
                message: "cannot read the resolver configuration: \(error.reason) (upstream.servers is empty, so pinhole takes its upstreams from here)")
        }
    }

    /// The nameservers of the file at `path`.
    public static func nameservers(path: String) throws(ConfigError) -> [SocketAddressText] {
        try load(path: path).nameservers
    }
}
