import ArgumentParser
import Foundation
import Logging
import PinholeDaemon

#if canImport(Glibc)
import Glibc
#endif

/// The pinhole daemon: a DNS stub resolver that answers every query on the machine.
@main
struct Pinholed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinholed",
        abstract: "The pinhole DNS daemon: answers, caches and forwards the machine's DNS queries.",
        discussion: """
            pinholed is the machine's stub resolver: it attributes every query to the process that asked, \
            decides it by that app's profile, answers from its cache or forwards it, pins the answer's \
            addresses for that app in nftables (when [enforcement] is on), and logs it. Settings come from \
            the TOML file (--config); every key has a default, so an empty or missing default file works. \
            Flags override the file. SIGHUP reloads profiles and lists; SIGTERM stops gracefully. Under \
            systemd (Type=notify) it reports readiness, status and watchdog pings, and logs to the journal.

            EXAMPLES:
              pinholed --check-config
              pinholed --listen 127.0.0.153:5353 --upstream 192.0.2.1 --log-level debug
              systemctl reload pinholed

            FILES:
              /etc/pinhole/pinhole.toml     configuration (see the commented example)
              /etc/pinhole/apps.d/*.toml    per-app profiles
              <prefix>/share/pinhole/blocklists  global lists (policy.lists_dir)
              /var/lib/pinhole/queries.sqlite  the query log
              /run/pinhole/control.sock     the control socket for `pinhole`
            """,
        version: PinholeVersion.string)

    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Address to answer on (repeatable; replaces server.listen).", valueName: "addr:port"))
    var listen: [String] = []

    @Option(name: .long, help: ArgumentHelp("Upstream server (repeatable; replaces upstream.servers).", valueName: "addr:port"))
    var upstream: [String] = []

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (replaces log.level).", valueName: "level"))
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp("Folder of global lists (replaces policy.lists_dir).", valueName: "dir"))
    var listsDir: String?

    @Option(name: .long, help: ArgumentHelp("Folder of per-app profiles (replaces policy.profiles_dir).", valueName: "dir"))
    var profilesDir: String?

    @Option(name: .long, help: ArgumentHelp("Query-log database file (replaces querylog.path).", valueName: "file"))
    var queryLog: String?

    @Option(name: .long, help: ArgumentHelp("Control socket (replaces control.socket).", valueName: "path"))
    var controlSocket: String?

    @Flag(name: .long, help: "Check the configuration, print the effective settings and exit.")
    var checkConfig = false

    /// Parses the command line and starts; replaces ArgumentParser's
    /// `main`, whose `run()` starts on the concurrency pool, so that the
    /// cgroup mount view is set up while the process still has one thread.
    static func main() async {
        let command: Pinholed
        do {
            var parsed = try parseAsRoot()
            guard let pinholed = parsed as? Pinholed else {
                // --help comes back as ArgumentParser's own help command.
                try parsed.run()
                exit(withError: nil)
            }
            command = pinholed
        } catch {
            exit(withError: error)
        }
        // No `await` before this: every thread pinholed starts must inherit the view.
        guard let prepared = command.prepare() else { return }
        await command.serve(prepared.config, logger: prepared.logger)
    }

    func run() async throws {
        guard let prepared = prepare() else { return }
        await serve(prepared.config, logger: prepared.logger)
    }

    /// Everything before the daemon's first thread: the configuration,
    /// logging, `--check-config` (then nil).
    private func prepare() -> (config: DaemonConfig, logger: Logger)? {
        let (loaded, logger) = configureAndLog()
        if checkConfig {
            printSummary(loaded)
            return nil
        }
        return (loaded, logger)
    }

    /// Loads the configuration with the flags applied and bootstraps logging.
    private func configureAndLog() -> (DaemonConfig, Logger) {
        let configPath = config ?? ConfigLoader.defaultPath
        let loaded: DaemonConfig
        do {
            var config = try ConfigLoader.load(path: configPath)
            try config.applying(listen: listen, upstreams: upstream, logLevel: logLevel)
            if let listsDir { config.policy.listsDir = listsDir }
            if let profilesDir { config.policy.profilesDir = profilesDir }
            if let queryLog { config.queryLog.path = queryLog }
            if let controlSocket { config.control.socket = controlSocket }
            loaded = config
        } catch {
            fail("pinholed: \(error)")
        }

        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap(DaemonLogging.factory(level: loaded.log.level, target: loaded.log.target, environment: environment))
        let logger = Logger(label: "pinholed")
        if loaded.log.target == .journal && !DaemonLogging.usesJournal(.journal, environment: environment) {
            logger.warning("log.target = \"journal\" but no journal listens (no /run/systemd/journal/socket): logging to stderr")
        }
        return (loaded, logger)
    }

    private func printSummary(_ loaded: DaemonConfig) {
        do {
            print(try loaded.summary())
        } catch {
            fail("pinholed: \(error)")
        }
    }

    private func serve(_ loaded: DaemonConfig, logger: Logger) async {
        do {
            try await Daemon.run(config: loaded, configPath: config ?? ConfigLoader.defaultPath, logger: logger)
        } catch {
            fail("pinholed: \(error)")
        }
    }

    /// Prints `message` to stderr and exits 1; startup errors are for people, not stack traces.
    private func fail(_ message: String) -> Never {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        Glibc.exit(1)
    }
}
