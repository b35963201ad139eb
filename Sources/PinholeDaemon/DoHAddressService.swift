import Enforcement
import Logging
import PinholeCore
import ServiceLifecycle
import UnixSignals

/// Keeps the `doh4`/`doh6` sets filled from the DoH address list
/// (`enforcement.doh_addresses`): at start, and again on SIGHUP, like the
/// policy. A list that cannot be read leaves the sets as they were.
struct DoHAddressService: Service {
    let nft: Nftables
    /// The list file; nil when `doh_addresses = false`.
    let path: String?
    /// Whether a missing file is only a warning (the default path).
    let missingIsFine: Bool
    let logger: Logger

    /// Loads the list once; a missing file given explicitly, or one nft refuses, stops the start.
    /// - Throws: `StartupError.enforcement`.
    static func start(_ settings: DaemonConfig.Enforcement, listsDir: String, nft: Nftables, logger: Logger) throws -> DoHAddressService {
        let service = DoHAddressService(
            nft: nft, path: settings.dohAddressesPath(listsDir: listsDir),
            missingIsFine: settings.dohAddresses == DaemonConfig.Enforcement.defaultDoHAddresses, logger: logger)
        if let failure = service.load(event: "loaded") { throw StartupError.enforcement(failure) }
        return service
    }

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            if let failure = load(event: "reloaded") {
                logger.error("DoH address list reload failed; the sets keep their addresses", metadata: ["error": "\(failure)"])
            }
        }
    }

    /// Reads the list and replaces the sets; the error when it could not.
    private func load(event: String) -> DoHAddressListError? {
        guard let path else {
            logger.notice("DoH addresses off (enforcement.doh_addresses = false): 443 is not rejected by address")
            return nil
        }
        let text: String
        do {
            text = try TextFile.contents(of: path)
        } catch {
            if error.isMissing && missingIsFine {
                logger.warning("no DoH address list: \(path) does not exist; 443 is not rejected by address")
                return nil
            }
            return DoHAddressListError(path: path, message: "cannot read the DoH address list: \(error.reason)")
        }
        let list = AddressList(parsing: text)
        for line in list.rejected.prefix(5) {
            logger.warning("DoH address list: \(path): \(line), skipped")
        }
        do {
            try EnforcementTable.replaceDoHAddresses(list, with: nft)
        } catch {
            return DoHAddressListError(path: path, message: "nft refused the DoH addresses: \(error)")
        }
        logger.notice(
            "DoH address list \(event)",
            metadata: [
                "file": "\(path)", "ipv4_ranges": "\(list.coalescedV4.count)", "ipv6_ranges": "\(list.coalescedV6.count)",
                "rejected_lines": "\(list.rejected.count)",
            ])
        return nil
    }
}
