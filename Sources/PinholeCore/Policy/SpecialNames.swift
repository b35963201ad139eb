/// Names pinhole answers itself, before any profile or list, so that apps
/// keep using the system resolver (each switchable):
/// - `use-application-dns.net`: Firefox's canary; NXDOMAIN turns its own
///   DNS-over-HTTPS off.
/// - `mask.icloud.com`, `mask-h2.icloud.com`: iCloud Private Relay; NXDOMAIN
///   makes Apple clients not use it.
/// - `resolver.arpa` and below (DDR, RFC 9462 `_dns.resolver.arpa`): NODATA,
///   so clients do not discover and switch to an encrypted resolver.
public struct SpecialNames: Sendable, Hashable {
    /// Answer the canaries (Firefox, iCloud Private Relay) with NXDOMAIN.
    public var canaries: Bool
    /// Answer designated-resolver discovery with NODATA.
    public var discovery: Bool

    public init(canaries: Bool = true, discovery: Bool = true) {
        self.canaries = canaries
        self.discovery = discovery
    }

    /// How to answer `name` and why, or nil when it is not special (or switched off).
    public func answer(for name: PolicyName) -> (reply: BlockReply, why: String)? {
        if canaries {
            switch name.text {
            case "use-application-dns.net": return (.nxdomain, "Firefox DoH canary (turns Firefox's own DoH off)")
            case "mask.icloud.com", "mask-h2.icloud.com": return (.nxdomain, "iCloud Private Relay canary")
            default: break
            }
        }
        if discovery, name.text == "resolver.arpa" || name.text.hasSuffix(".resolver.arpa") {
            return (.nodata, "designated resolver discovery (RFC 9462)")
        }
        return nil
    }
}
