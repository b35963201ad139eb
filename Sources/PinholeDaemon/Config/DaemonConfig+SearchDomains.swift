extension DaemonConfig {
    /// The search domains io.systemd.Resolve applies to single-label names:
    /// `upstream.search` when set (["."]: none), else the `search`/`domain`
    /// line of `upstream.resolvConf` (read for this even when
    /// `upstream.servers` is set; an unreadable file gives none). `system-resolver
    /// enable` copies the previous resolv.conf's search line into the upstream
    /// file it writes, so the list survives the switch.
    /// - Returns: the normalized domains, and what was left out and why.
    public func searchDomains() -> (domains: [String], rejected: [String]) {
        if upstream.search == ["."] { return ([], []) }
        if !upstream.search.isEmpty { return (upstream.search, []) }
        guard let file = try? ResolvConf.load(path: upstream.resolvConf) else { return ([], []) }
        let (domains, rejected) = HostnameCandidates.normalized(file.searchDomains)
        return (domains, rejected.map { "\(upstream.resolvConf): search domain \($0)" })
    }
}
