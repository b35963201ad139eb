import Logging
import Testing
@testable import PinholeDaemon

@Suite struct ConfigLoaderTests {
    private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    private func failure(_ text: String) -> ConfigError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyFileGivesDefaults() throws {
        #expect(try load("") == .defaults)
        #expect(try load("# only a comment\n\n") == .defaults)
        #expect(try load("[cache]\n") == .defaults)
    }

    @Test func defaultsAreTheDocumentedValues() throws {
        let d = DaemonConfig.defaults
        #expect(d.server.listen.map(\.description) == ["127.0.0.153:53"])
        #expect(d.upstream.servers.isEmpty)
        #expect(d.upstream.resolvConf == "/etc/resolv.conf")
        #expect(d.upstream.attemptTimeout == .milliseconds(800))
        #expect(d.upstream.timeout == .seconds(2))
        #expect(d.cache.size == 10_000 && d.cache.minTTL == 0 && d.cache.maxTTL == 86_400)
        #expect(d.cache.negativeMaxTTL == 3_600 && !d.cache.serveStale && d.cache.staleMaxAge == .seconds(86_400))
        #expect(d.tcp.idleTimeout == .seconds(10) && d.tcp.maxConnections == 256 && d.tcp.maxOutstandingPerClient == 64)
        #expect(d.log.level == .info)
    }

    @Test func everyKeyIsRead() throws {
        let config = try load("""
            [server]
            listen = ["127.0.0.1:5353", "[::1]", "10.0.0.1"]
            [upstream]
            servers = ["192.0.2.1", "[2001:db8::1]:5300"]
            resolv_conf = "/run/resolv.conf"
            attempt_timeout = "300ms"
            timeout = 5
            [cache]
            size = 0
            min_ttl = 30
            max_ttl = 600
            negative_max_ttl = 60
            serve_stale = true
            stale_max_age = "12h"
            [tcp]
            idle_timeout = "1m"
            max_connections = 10
            max_outstanding_per_client = 3
            [attribution]
            enabled = false
            [log]
            level = "debug"
            """)
        #expect(config.server.listen.map(\.description) == ["127.0.0.1:5353", "[::1]:53", "10.0.0.1:53"])
        #expect(config.upstream.servers.map(\.description) == ["192.0.2.1:53", "[2001:db8::1]:5300"])
        #expect(config.upstream.resolvConf == "/run/resolv.conf")
        #expect(config.upstream.attemptTimeout == .milliseconds(300))
        #expect(config.upstream.timeout == .seconds(5))
        #expect(config.cache.size == 0 && config.cache.minTTL == 30 && config.cache.maxTTL == 600)
        #expect(config.cache.negativeMaxTTL == 60 && config.cache.serveStale && config.cache.staleMaxAge == .seconds(43_200))
        #expect(config.tcp.idleTimeout == .seconds(60) && config.tcp.maxConnections == 10)
        #expect(config.tcp.maxOutstandingPerClient == 3)
        #expect(!config.attribution.enabled)
        #expect(config.log.level == .debug)
    }

    @Test func badValueNamesLineAndKey() {
        let error = failure("""
            # comment
            [server]
            listen = ["127.0.0.153:53"]

            [cache]
            min_ttl = 5
            size = "big"
            """)
        #expect(error?.line == 7)
        #expect(error?.key == "cache.size")
        #expect(error?.description
            == #"/etc/pinhole/pinhole.toml:7: cache.size: expected an integer between 0 and 10000000, got "big""#)
    }

    @Test(arguments: [
        ("[cache]\nsize = -1", 2, "cache.size", "expected an integer between 0 and 10000000, got -1"),
        ("[cache]\nsize = 1.5", 2, "cache.size", "got 1.5"),
        ("[cache]\n\nmax_ttl = 10\nmin_ttl = 20", 3, "cache.max_ttl", "must be at least cache.min_ttl (20), got 10"),
        ("[cache]\nmin_ttl = 100000", 2, "cache.min_ttl", "must not exceed cache.max_ttl (86400), got 100000"),
        ("[cache]\nserve_stale = \"yes\"", 2, "cache.serve_stale", #"expected true or false, got "yes""#),
        ("[cache]\nstale_max_age = \"forever\"", 2, "cache.stale_max_age", "expected a duration such as"),
        ("[upstream]\ntimeout = \"0s\"", 2, "upstream.timeout", "expected a duration greater than 0"),
        ("[upstream]\ntimeout = \"2s\"\nattempt_timeout = \"3s\"", 3, "upstream.attempt_timeout",
         "must not exceed upstream.timeout (2s), got 3s"),
        ("[upstream]\ntimeout = \"500ms\"", 2, "upstream.timeout", "must be at least upstream.attempt_timeout (800ms), got 500ms"),
        ("[upstream]\nresolv_conf = 3", 2, "upstream.resolv_conf", "expected a non-empty string, got 3"),
        ("[upstream]\nservers = [\"1.2.3.4:0\"]", 2, "upstream.servers", #""1.2.3.4:0": port must be 1...65535"#),
        ("[upstream]\nservers = [1]", 2, "upstream.servers", "expected an array of address strings"),
        ("[server]\nlisten = []", 2, "server.listen", "expected at least one address"),
        ("[server]\nlisten = [\"dns.example\"]", 2, "server.listen", #""dns.example" is not a numeric IPv4 or IPv6 address"#),
        ("[server]\nlisten = [\"::1\", \"[::1]:53\"]", 2, "server.listen", "listed twice"),
        ("[tcp]\nmax_connections = 0", 2, "tcp.max_connections", "between 1 and 1000000"),
        ("[tcp]\nidle_timeout = true", 2, "tcp.idle_timeout", "got true"),
        ("[log]\nlevel = \"loud\"", 2, "log.level", "expected one of trace, debug, info, notice, warning, error, critical"),
        ("server = 5", 1, "server", "expected a table"),
    ] as [(String, Int, String, String)])
    func badValues(text: String, line: Int, key: String, message: String) {
        let error = failure(text)
        #expect(error?.line == line, "\(text)")
        #expect(error?.key == key)
        #expect(error?.message.hasPrefix("\(key): ") == true)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func unknownKeyListsTheKnownOnes() {
        let error = failure("[server]\nlisten = \"127.0.0.1\"\n\n[cache]\nsise = 5\n")
        #expect(error?.line == 5)
        #expect(error?.description == """
            /etc/pinhole/pinhole.toml:5: unknown key "cache.sise" \
            (known keys in [cache]: size, min_ttl, max_ttl, negative_max_ttl, serve_stale, stale_max_age)
            """)
    }

    @Test func unknownTableAndTopLevelKey() {
        let table = failure("[server]\n[cahce]\nsize = 1\n")
        #expect(table?.line == 2)
        #expect(table?.message == "unknown table [cahce] (known tables: server, upstream, cache, tcp, attribution, policy, enforcement, log, querylog, control, varlink)")

        let topLevel = failure("# x\nverbose = true\n")
        #expect(topLevel?.line == 2)
        #expect(topLevel?.message.hasPrefix(#"unknown key "verbose""#) == true)

        let nested = failure("[cache]\nsize = 1\n[cache.extra]\nx = 1\n")
        #expect(nested?.line == 3)
        #expect(nested?.message.hasPrefix(#"unknown key "cache.extra""#) == true)
    }

    @Test func firstOfSeveralUnknownKeysIsReported() {
        // TOMLKit sorts keys; the error must still be the topmost one.
        let error = failure("[tcp]\nzzz = 1\n[cache]\naaa = 2\n")
        #expect(error?.line == 2)
        #expect(error?.key == "tcp.zzz")
    }

    @Test func syntaxErrorHasTomlKitsPosition() {
        let error = failure("[cache]\nsize = 5\nmax_ttl = = 3\n")
        #expect(error?.line == 3)
        #expect(error?.column != nil)
        #expect(error?.message.hasPrefix("TOML syntax error") == true)
        #expect(error?.description.hasPrefix("/etc/pinhole/pinhole.toml:3:") == true)
    }

    @Test func dottedAndInlineKeysAreLocated() {
        let dotted = failure("# a\ncache.size = \"big\"\n")
        #expect(dotted?.line == 2)
        #expect(dotted?.key == "cache.size")

        let inline = failure("\n\ncache = { min_ttl = 1, size = \"big\" }\n")
        #expect(inline?.line == 3)
        #expect(inline?.key == "cache.size")

        let quoted = failure("[\"cache\"]\n\"size\" = false\n")
        #expect(quoted?.line == 2)
    }

    @Test func multilineStringsDoNotConfuseTheLocator() {
        // The "size = 1" inside the string must not be taken for the key.
        let error = failure("""
            [upstream]
            resolv_conf = \"\"\"
            [cache]
            size = 1
            \"\"\"
            [cache]
            size = "big"
            """)
        #expect(error?.key == "cache.size")
        #expect(error?.line == 7)
    }

    @Test func missingFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            _ = try ConfigLoader.load(path: "\(dir.path)/absent.toml")
            Issue.record("a missing non-default file must be an error")
        } catch {
            #expect(error.file == "\(dir.path)/absent.toml")
            #expect(error.message.contains("No such file"))
        }
        let path = dir.write("pinhole.toml", "[log]\nlevel = \"error\"\n")
        #expect(try ConfigLoader.load(path: path).log.level == .error)
    }

    @Test(.enabled(if: (try? TextFile.contents(of: ConfigLoader.defaultPath)) == nil, "a real config is installed"))
    func missingDefaultFileMeansDefaults() throws {
        #expect(try ConfigLoader.load() == .defaults)
    }

    @Test func explicitUpstreamEqualToListenIsAnError() {
        let error = failure("[server]\nlisten = [\"127.0.0.153\"]\n[upstream]\n\nservers = [\"8.8.8.8\", \"127.0.0.153:53\"]\n")
        #expect(error?.line == 5)
        #expect(error?.key == "upstream.servers")
        #expect(error?.message.contains("pinhole would query itself") == true)

        let wildcard = failure("[server]\nlisten = [\"0.0.0.0:53\"]\n[upstream]\nservers = [\"127.0.0.1\"]\n")
        #expect(wildcard?.key == "upstream.servers")

        #expect(failure("[server]\nlisten = [\"127.0.0.153:5353\"]\n[upstream]\nservers = [\"127.0.0.153\"]\n") == nil)
    }
}
