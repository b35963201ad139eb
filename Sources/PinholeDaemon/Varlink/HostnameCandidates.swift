import DNSWire

/// The names one ResolveHostname call tries, in order, as systemd-resolved
/// chooses them for unicast DNS: a single-label name ("host") is tried
/// with each search domain appended ("host.corp.example", then
/// "host.search.test", …) and not on its own; every other name is tried as
/// it is. Pure: unit-tested without sockets.
enum HostnameCandidates {
    /// `SD_RESOLVED_NO_SEARCH`: the caller asks for the name as it is.
    static let noSearchFlag: Int64 = 1 << 8
    /// `SD_RESOLVED_RELAX_SINGLE_LABEL`: a single-label name may also be
    /// asked on its own (after the search domains).
    static let relaxSingleLabelFlag: Int64 = 1 << 25

    /// The candidates for `name` (already in A-label form) with
    /// `searchDomains` and the call's `flags`; never empty.
    ///
    /// Search domains apply only to a single-label name without a trailing
    /// dot (a trailing dot says the name is complete, as in resolv.conf),
    /// and not under `SD_RESOLVED_NO_SEARCH`. Without search domains, a
    /// single-label name is asked as it is (resolved would not send it to a
    /// unicast server at all; pinhole has no LLMNR to offer instead).
    /// Expansions DNS cannot carry (over 255 bytes) are left out.
    static func names(for name: String, searchDomains: [String], flags: Int64) -> [String] {
        guard flags & noSearchFlag == 0, !name.hasSuffix("."), !name.contains("."), !searchDomains.isEmpty else { return [name] }
        var names: [String] = []
        for domain in searchDomains {
            let expanded = name + "." + domain
            if (try? DNSName.wire(fromText: expanded)) != nil, !names.contains(expanded) { names.append(expanded) }
        }
        if names.isEmpty || flags & relaxSingleLabelFlag != 0 { names.append(name) }
        return names
    }

    /// A search list in the form `names(for:)` takes: trailing dots and
    /// the root removed, non-ASCII domains as A-labels, duplicates and
    /// names DNS cannot carry dropped (with why, for the log).
    static func normalized(_ domains: [String]) -> (domains: [String], rejected: [String]) {
        var result: [String] = []
        var rejected: [String] = []
        for domain in domains {
            var text = domain
            while text.hasSuffix(".") { text.removeLast() }
            guard !text.isEmpty else { continue }
            do {
                let ascii = try IDNAName.ascii(text)
                guard (try? DNSName.wire(fromText: ascii)) != nil, !ascii.contains("..") else {
                    rejected.append("\"\(domain)\" is not a valid domain name")
                    continue
                }
                if !result.contains(where: { $0.lowercased() == ascii.lowercased() }) { result.append(ascii) }
            } catch {
                rejected.append(error.description)
            }
        }
        return (result, rejected)
    }
}
