import Testing
@testable import PinholeDaemon

@Suite struct ConfigOverridesTests {
    private func failure(listen: [String] = [], upstreams: [String] = [], logLevel: String? = nil,
                         base: DaemonConfig = .defaults) -> ConfigError? {
        var config = base
        do {
            try config.applying(listen: listen, upstreams: upstreams, logLevel: logLevel)
            return nil
        } catch {
            #expect(config == base, "a failed override leaves the config unchanged")
            return error
        }
    }

    @Test func flagsReplaceFileValues() throws {
        var config = DaemonConfig.defaults
        try config.applying(listen: ["127.0.0.1:5353", "[::1]:5353"], upstreams: ["192.0.2.1"], logLevel: "trace")
        #expect(config.server.listen.map(\.description) == ["127.0.0.1:5353", "[::1]:5353"])
        #expect(config.upstream.servers.map(\.description) == ["192.0.2.1:53"])
        #expect(config.log.level == .trace)
        #expect(config.cache == DaemonConfig.defaults.cache)
    }

    @Test func emptyFlagsChangeNothing() throws {
        var config = try ConfigLoader.parse("[log]\nlevel = \"error\"\n", file: "t.toml")
        let before = config
        try config.applying(listen: [], upstreams: [], logLevel: nil)
        #expect(config == before)
    }

    @Test func badFlagValuesNameTheFlag() {
        #expect(failure(listen: ["1.2.3.4:99999"])?.description == #"--listen "1.2.3.4:99999": port must be 1...65535"#)
        #expect(failure(upstreams: ["dns.google"])?.description
            == #"--upstream "dns.google": "dns.google" is not a numeric IPv4 or IPv6 address"#)
        #expect(failure(logLevel: "loud")?.description
            == #"--log-level "loud": expected one of trace, debug, info, notice, warning, error, critical"#)
        #expect(failure(logLevel: "loud")?.key == "--log-level")
    }

    @Test func loopsIntroducedByFlagsAreErrors() throws {
        #expect(failure(upstreams: ["127.0.0.153"])?.key == "--upstream")
        var base = DaemonConfig.defaults
        base.upstream.servers = [try SocketAddressText(parsing: "127.0.0.1:5353")]
        let error = failure(listen: ["127.0.0.1:5353"], base: base)
        #expect(error?.key == "--listen")
        #expect(error?.message.contains("pinhole would query itself") == true)
    }
}
