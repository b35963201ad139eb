/// How pinhole takes over as the system resolver.
public enum ResolverMode: String, Sendable, Codable, CaseIterable {
    /// systemd-resolved keeps running behind pinhole: pinhole forwards to
    /// resolved's proxy stub 127.0.0.54, so per-link DNS (VPN split DNS,
    /// per-interface DHCP servers) keeps working.
    case keepResolved = "keep-resolved"
    /// systemd-resolved (if any) is stopped and disabled; pinhole forwards
    /// to the upstream servers it was using.
    case replace
}
