import PinholeCore
import QueryLog
import Testing
@testable import PinholeDaemon

/// `[querylog]` and `[control]`: defaults, every key read, errors at file:line.
@Suite struct QueryLogConfigTests {
    private func parse(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    private func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        let config = try parse("")
        #expect(config.queryLog.enabled)
        #expect(config.queryLog.path == "/var/lib/pinhole/queries.sqlite")
        #expect(config.queryLog.maxAge == .seconds(30 * 86_400))
        #expect(config.queryLog.maxSize == 1 << 30)
        #expect(config.queryLog.batchInterval == .milliseconds(250))
        #expect(config.queryLog.batchSize == 2_000)
        #expect(config.queryLog.queue == 65_536)
        #expect(config.queryLog.ignoreNames.isEmpty && config.queryLog.ignoreApps.isEmpty)
        #expect(config.control.socket == "/run/pinhole/control.sock")
    }

    @Test func everyKeyIsRead() throws {
        let config = try parse("""
            [querylog]
            enabled = false
            path = "/srv/log/q.sqlite"
            max_age = "7d"
            max_size = "512MiB"
            batch_interval = "1s"
            batch_size = 500
            queue = 1000
            ignore_names = ["*.lan", "example.com", "ads*.example.net"]
            ignore_apps = ["backup.service", "/usr/bin/apt*"]
            [control]
            socket = "/tmp/x/control.sock"
            """)
        let log = config.queryLog
        #expect(!log.enabled && log.path == "/srv/log/q.sqlite")
        #expect(log.maxAge == .seconds(7 * 86_400) && log.maxSize == 512 << 20)
        #expect(log.batchInterval == .seconds(1) && log.batchSize == 500 && log.queue == 1000)
        #expect(log.ignoreNames.map(\.pattern) == ["*.lan", "example.com", "ads*.example.net"])
        #expect(log.ignoreNames[0].matches("printer.lan") && !log.ignoreNames[0].matches("lan.example"))
        #expect(log.ignoreApps.map(\.pattern) == ["backup.service", "/usr/bin/apt*"])
        #expect(config.control.socket == "/tmp/x/control.sock")
        let settings = log.writerSettings
        #expect(settings.batchSize == 500 && settings.queueCapacity == 1000 && settings.maxBytes == 512 << 20)
        #expect(settings.ignoredNames.count == 3 && settings.ignoredApps.count == 2)
    }

    @Test func falseMeansNoLimit() throws {
        let config = try parse("[querylog]\nmax_age = false\nmax_size = false\n")
        #expect(config.queryLog.maxAge == nil && config.queryLog.maxSize == nil)
    }

    @Test func sizesInEveryUnit() throws {
        #expect(try parse("[querylog]\nmax_size = 4096\n").queryLog.maxSize == 4096)
        #expect(try parse("[querylog]\nmax_size = \"2GB\"\n").queryLog.maxSize == 2_000_000_000)
        #expect(try parse("[querylog]\nmax_size = \"3KiB\"\n").queryLog.maxSize == 3072)
        #expect(ByteSizeText.parse("10B") == 10 && ByteSizeText.parse("1.5GiB") == nil && ByteSizeText.parse("GiB") == nil)
        #expect(ByteSizeText.format(1 << 30) == "1GiB" && ByteSizeText.format(1000) == "1000B")
    }

    @Test func badValuesAreErrorsAtTheirLine() {
        let cases: [(String, String)] = [
            ("[querylog]\n\nmax_size = \"lots\"\n", "querylog.max_size: expected a size"),
            ("[querylog]\n\nmax_age = \"soon\"\n", "querylog.max_age: expected a duration"),
            ("[querylog]\n\nbatch_interval = \"2m\"\n", "querylog.batch_interval: expected at most 60s"),
            ("[querylog]\n\nbatch_size = 0\n", "querylog.batch_size: expected an integer between 1"),
            ("[querylog]\n\npath = \"queries.sqlite\"\n", "querylog.path: expected an absolute path"),
            ("[querylog]\n\nignore_names = [\"\"]\n", "querylog.ignore_names: \"\": expected a non-empty domain pattern"),
            ("[querylog]\n\nignore_apps = \"x.service\"\n", "querylog.ignore_apps: expected an array"),
            ("[querylog]\n\nqueue = 10\n", "querylog.queue (10) must be at least querylog.batch_size (2000)"),
            ("[querylog]\n\nenabled = \"yes\"\n", "querylog.enabled: expected true or false"),
            ("[querylog]\n\nfollow = true\n", "unknown key \"querylog.follow\""),
            ("[control]\n\nsocket = 1\n", "control.socket: expected a non-empty string"),
        ]
        for (text, message) in cases {
            let found = error(text)
            #expect(found?.line == 3, "\(text)")
            #expect(found?.description.contains(message) == true, "\(found?.description ?? "no error") for \(text)")
            #expect(found?.description.contains("/etc/pinhole/pinhole.toml:3") == true, "\(found?.description ?? "")")
        }
    }

    @Test func summaryListsTheKeys() throws {
        let summary = try parse("[upstream]\nservers = [\"192.0.2.53\"]\n[querylog]\nmax_size = false\nignore_names = [\"*.lan\"]\n").summary()
        #expect(summary.contains("querylog.max_size = false"))
        #expect(summary.contains("querylog.max_age = \"30d\""))
        #expect(summary.contains("querylog.ignore_names = [\"*.lan\"]"))
        #expect(summary.contains("control.socket = \"/run/pinhole/control.sock\""))
    }

    @Test func flagsReplaceThePaths() throws {
        // What pinholed does with --query-log and --control-socket.
        var config = try parse("")
        config.queryLog.path = "/tmp/t/q.sqlite"
        config.control.socket = "/tmp/t/c.sock"
        #expect(config.queryLog.writerSettings.batchSize == 2_000)
        #expect(config != .defaults)
    }

    @Test func aProfileCanOptOut() throws {
        let set = try ProfileLoader.parse(
            files: [
                (path: "/apps.d/quiet.toml", text: "log = false\n[match]\nunit = \"quiet.service\"\n"),
                (path: "/apps.d/loud.toml", text: "[match]\nunit = \"loud.service\"\n"),
            ], registrable: nil)
        let quiet = try #require(set.profiles.first { $0.name == "quiet" })
        let loud = try #require(set.profiles.first { $0.name == "loud" })
        #expect(!quiet.log && loud.log)
        do {
            _ = try ProfileLoader.parse(files: [(path: "/apps.d/bad.toml", text: "[match]\nunit = \"x.service\"\n")] + [
                (path: "/apps.d/worse.toml", text: "\nlog = 1\n[match]\nunit = \"y.service\"\n")
            ], registrable: nil)
            Issue.record("log = 1 was accepted")
        } catch {
            #expect(error.errors.map(\.description).contains { $0.contains("/apps.d/worse.toml:2") && $0.contains("log: expected true or false") })
        }
    }
}
