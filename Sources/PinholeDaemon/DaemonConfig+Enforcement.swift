import Enforcement
import Logging
import PinholeCore

/// The enforcement table's shape and the DoH address list's file, from the config.
extension DaemonConfig {
    /// The table for `[enforcement]`: pinholed's mark accepted first, DNS
    /// captured to the listeners when `capture_dns`, encrypted DNS rejected
    /// for governed apps. Logs what is captured and what is not.
    func enforcementTable(logger: Logger) -> EnforcementTable {
        var capture: DNSCapture?
        if enforcement.captureDNS {
            let made = dnsCapture
            for (family, target) in [("IPv4", made.v4), ("IPv6", made.v6)] {
                if let target {
                    logger.notice("DNS capture: \(family) port 53 from other processes goes to \(target)")
                } else {
                    logger.notice("DNS capture: no \(family) listener (server.listen), so \(family) DNS is not redirected")
                }
            }
            capture = made
        } else {
            logger.notice("DNS capture off (enforcement.capture_dns = false): hard-coded resolvers are not redirected")
        }
        return EnforcementTable(
            ownedInterfaces: enforcement.interfaceOwners.interfaces, ownMark: enforcement.mark, capture: capture, rejectsEncryptedDNS: true)
    }
}

extension DaemonConfig {
    /// The listeners and capture endpoints of `nat_out` and `raw_out`.
    var dnsCapture: DNSCapture {
        let listeners = server.listen.compactMap { listen in
            IPAddress(listen.host).map { DNSCapture.Endpoint(address: $0, port: UInt16(listen.port)) }
        }
        return DNSCapture(listeners: listeners, capturePort: enforcement.capturePort)
    }

    /// The capture endpoints pinholed binds besides `server.listen`: none
    /// unless enforcement and `capture_dns` are on.
    var captureEndpoints: [SocketAddressText] {
        guard enforcement.enabled, enforcement.captureDNS else { return [] }
        return dnsCapture.endpoints.compactMap { try? SocketAddressText(parsing: $0.description) }
    }

    /// A capture endpoint that one of `server.listen` would receive too
    /// (same address or a wildcard, same port), with that listener.
    func captureEndpointClash() -> (endpoint: SocketAddressText, listener: SocketAddressText)? {
        for endpoint in captureEndpoints {
            if let listener = server.listen.first(where: { $0.receives(endpoint) }) { return (endpoint, listener) }
        }
        return nil
    }
}

extension DaemonConfig.Enforcement {
    /// The file `doh4`/`doh6` are read from (a relative `doh_addresses` is
    /// in `listsDir`), nil when off.
    func dohAddressesPath(listsDir: String) -> String? {
        guard let file = dohAddresses else { return nil }
        if file.hasPrefix("/") { return file }
        return (listsDir.hasSuffix("/") ? listsDir : listsDir + "/") + file
    }

    /// For `--check-config`: the path, or false.
    func dohAddressesSummary(listsDir: String) -> String {
        dohAddressesPath(listsDir: listsDir).map { "\"\($0)\"" } ?? "false"
    }
}
