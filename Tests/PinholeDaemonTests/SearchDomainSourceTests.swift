import Logging
import Testing
@testable import PinholeDaemon

/// `SearchDomainSource.reload` on real files: it takes what the config file
/// (and the resolv.conf it names) says now, and keeps the list when the
/// config no longer loads.
@Suite struct SearchDomainSourceTests {
    @Test func aReloadTakesTheFilesListAndABrokenConfigKeepsTheOldOne() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let resolvConf = directory.write("resolv.conf", "nameserver 192.0.2.53\nsearch from-file.test\n")
        let configPath = directory.write("pinhole.toml", "[upstream]\nresolv_conf = \"\(resolvConf)\"\nsearch = [\"a.test\"]\n")
        let source = SearchDomainSource(config: try ConfigLoader.load(path: configPath), configPath: configPath, logger: Logger(label: "test"))
        #expect(source.current == ["a.test"])

        directory.write("pinhole.toml", "[upstream]\nresolv_conf = \"\(resolvConf)\"\nsearch = [\"B.test.\", \"c.test\"]\n")
        #expect(source.current == ["a.test"], "read only on reload")
        source.reload()
        #expect(source.current == ["B.test", "c.test"])  // normalized as at start
        // No `search`: resolv.conf's line, which is read again too.
        directory.write("pinhole.toml", "[upstream]\nresolv_conf = \"\(resolvConf)\"\n")
        directory.write("resolv.conf", "search changed.test\n")
        source.reload()
        #expect(source.current == ["changed.test"])

        directory.write("pinhole.toml", "[upstream]\nsearch = 7\n")
        source.reload()
        #expect(source.current == ["changed.test"], "a config that does not load keeps the list")
    }
}
