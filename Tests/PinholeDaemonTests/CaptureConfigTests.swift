import Logging
import PinholeCore
import Testing
@testable import PinholeDaemon

/// `[enforcement]` capture_dns, mark and doh_addresses, and the table and
/// forwarder settings made from them.
@Suite struct CaptureConfigTests {
    private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    @Test func defaults() {
        let enforcement = DaemonConfig.defaults.enforcement
        #expect(enforcement.captureDNS)
        #expect(enforcement.mark == 0x7068_6f6c)
        #expect(enforcement.dohAddresses == "doh-addresses.cidr")
        #expect(enforcement.dohAddressesPath(listsDir: "/usr/share/pinhole/blocklists") == "/usr/share/pinhole/blocklists/doh-addresses.cidr")
    }

    @Test func keysAreRead() throws {
        let config = try load("[enforcement]\ncapture_dns = false\nmark = 0x10\ndoh_addresses = \"/etc/pinhole/doh.cidr\"\n")
        #expect(!config.enforcement.captureDNS)
        #expect(config.enforcement.mark == 16)
        #expect(config.enforcement.dohAddressesPath(listsDir: "/lists") == "/etc/pinhole/doh.cidr")
        let relative = try load("[enforcement]\ndoh_addresses = \"mine.cidr\"\n")
        #expect(relative.enforcement.dohAddressesPath(listsDir: "/lists/") == "/lists/mine.cidr")
        let off = try load("[enforcement]\ndoh_addresses = false\n")
        #expect(off.enforcement.dohAddresses == nil)
        #expect(off.enforcement.dohAddressesSummary(listsDir: "/lists") == "false")
    }

    @Test func badValuesAreRefusedWithTheirLine() {
        for (text, message) in [
            ("[enforcement]\nmark = 0\n", "enforcement.mark: expected an integer between 1 and 4294967295, got 0"),
            ("[enforcement]\nmark = 4294967296\n", "enforcement.mark: expected an integer between 1 and 4294967295, got 4294967296"),
            ("[enforcement]\ndoh_addresses = true\n", "enforcement.doh_addresses: expected a file path or false, got true"),
            ("[enforcement]\ndoh_addresses = \"\"\n", "enforcement.doh_addresses: expected a non-empty string, got \"\""),
            ("[enforcement]\ncapture_dns = \"yes\"\n", "enforcement.capture_dns: expected true or false, got \"yes\""),
        ] {
            #expect(throws: ConfigError.self) { try load(text) }
            do {
                _ = try load(text)
            } catch {
                #expect(error.message == message)
                #expect(error.line == 2)
            }
        }
    }

    @Test func theForwarderMarksOnlyUnderEnforcement() throws {
        var config = DaemonConfig.defaults
        let upstreams = ResolvedUpstreams(servers: [try SocketAddressText(parsing: "192.0.2.53")], origin: "upstream.servers")
        #expect(config.forwarderSettings(upstreams: upstreams).socketMark == nil)
        config.enforcement.enabled = true
        #expect(config.forwarderSettings(upstreams: upstreams).socketMark == 0x7068_6f6c)
    }

    @Test func theTableCapturesToTheListeners() throws {
        var config = DaemonConfig.defaults
        config.server.listen = [try SocketAddressText(parsing: "127.0.0.153:53"), try SocketAddressText(parsing: "[::1]:5353")]
        let table = config.enforcementTable(logger: Logger(label: "test"))
        #expect(table.ownMark == 0x7068_6f6c)
        #expect(table.rejectsEncryptedDNS)
        #expect(table.capture?.v4?.description == "127.0.0.153:53")
        #expect(table.capture?.v6?.description == "[::1]:5353")
        config.enforcement.captureDNS = false
        #expect(config.enforcementTable(logger: Logger(label: "test")).capture == nil)
    }
}
