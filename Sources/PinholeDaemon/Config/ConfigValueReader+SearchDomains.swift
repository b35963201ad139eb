import TOMLKit

extension ConfigValueReader {
    /// `upstream.search`: an array of domain names, each checked and
    /// normalized as `HostnameCandidates` uses it; `["."]` (the root alone)
    /// stays as it is: no search domains, whatever resolv.conf says.
    func searchDomains(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> [String] {
        guard let array = value.array else {
            throw error(path, "expected an array of domain names such as [\"corp.example\"], got \(Self.show(value))")
        }
        var texts: [String] = []
        for item in array {
            guard let text = item.string, !text.isEmpty else { throw error(path, "expected domain names (strings), got \(Self.show(item.tomlValue))") }
            texts.append(text)
        }
        if texts == ["."] { return texts }
        let (domains, rejected) = HostnameCandidates.normalized(texts)
        if let first = rejected.first { throw error(path, first) }
        return domains
    }
}
