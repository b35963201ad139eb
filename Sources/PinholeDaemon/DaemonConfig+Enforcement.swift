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
            let listeners = server.listen.compactMap { listen in
                IPAddress(listen.host).map { DNSCapture.Endpoint(address: $0, port: UInt16(listen.port)) }
            }
            let made = DNSCapture(listeners: listeners)
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
