import ArgumentParser
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
            Settings come from the TOML file (--config); every key has a default, so an empty \
            or missing default file works. Flags override the file.
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

    @Flag(name: .long, help: "Check the configuration, print the effective settings and exit.")
    var checkConfig = false

    func run() async throws {
        let configPath = config ?? ConfigLoader.defaultPath
        let loaded: DaemonConfig
        do {
            var config = try ConfigLoader.load(path: configPath)
            try config.applying(listen: listen, upstreams: upstream, logLevel: logLevel)
            if let listsDir { config.policy.listsDir = listsDir }
            if let profilesDir { config.policy.profilesDir = profilesDir }
            loaded = config
        } catch {
            fail("pinholed: \(error)")
        }

        let level = loaded.log.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pinholed")

        if checkConfig {
            do {
                print(try loaded.summary())
            } catch {
                fail("pinholed: \(error)")
            }
            return
        }
        do {
            try await Daemon.run(config: loaded, configPath: configPath, logger: logger)
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
