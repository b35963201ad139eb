import Testing
@testable import PinholeDaemon

/// `[varlink]`: off by default at systemd-resolved's path, both keys read,
/// bad values named at file:line, shown by check-config.
@Suite struct VarlinkConfigTests {
    private func parse(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    @Test func offByDefaultAtTheSystemdPath() throws {
        let config = try parse("")
        #expect(!config.varlink.enabled && config.varlink.socket == "/run/systemd/resolve/io.systemd.Resolve")
    }

    @Test func bothKeysAreRead() throws {
        let config = try parse("[varlink]\nenabled = true\nsocket = \"/tmp/v.sock\"\n")
        #expect(config.varlink == DaemonConfig.Varlink(enabled: true, socket: "/tmp/v.sock"))
        let summary = try config.summary()
        #expect(summary.contains("varlink.enabled = true") && summary.contains("varlink.socket = \"/tmp/v.sock\""))
    }

    @Test func badValuesAndUnknownKeysAreNamed() {
        for (text, line, words) in [
            ("[varlink]\nenabled = \"yes\"\n", 2, "varlink.enabled"), ("[varlink]\n\nsocket = 5\n", 3, "varlink.socket"),
            ("[varlink]\nport = 5\n", 2, "unknown key \"varlink.port\""),
        ] {
            #expect(throws: ConfigError.self) { try parse(text) }
            do {
                _ = try parse(text)
            } catch {
                #expect(error.line == line && "\(error)".contains(words), "\(error)")
            }
        }
    }
}
