import Logging
import Synchronization

/// The search domains io.systemd.Resolve applies to single-label names, as
/// `DaemonConfig.searchDomains()` gives them: read at start, and read again
/// from the config file (`[upstream] search`, else resolv.conf's `search`)
/// on every reload (SIGHUP, the control socket's `reload`), so a changed
/// network's search list needs no restart.
final class SearchDomainSource: Sendable {
    private let configPath: String
    private let logger: Logger
    private let domains: Mutex<[String]>

    /// The domains of `config` (the one pinholed started with); the rejected ones are logged.
    init(config: DaemonConfig, configPath: String, logger: Logger) {
        self.configPath = configPath
        self.logger = logger
        let (domains, rejected) = config.searchDomains()
        for reason in rejected { logger.warning("varlink: left out \(reason)") }
        self.domains = Mutex(domains)
    }

    /// The domains in force.
    var current: [String] { domains.withLock { $0 } }

    /// Reads the config file again and takes its search domains; logs the
    /// change. A config that does not load keeps the domains in force.
    func reload() {
        let config: DaemonConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            logger.warning("varlink: search domains kept (\(current.joined(separator: " "))): \(error)")
            return
        }
        let (new, rejected) = config.searchDomains()
        for reason in rejected { logger.warning("varlink: left out \(reason)") }
        let old = domains.withLock { domains in
            defer { domains = new }
            return domains
        }
        if old == new {
            logger.debug("varlink: search domains unchanged", metadata: ["search": "\(new.joined(separator: " "))"])
        } else {
            logger.notice(
                "varlink: search domains changed",
                metadata: ["search": "\(new.joined(separator: " "))", "was": "\(old.joined(separator: " "))"])
        }
    }
}
