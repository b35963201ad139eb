import Testing
@testable import PinholeDaemon

@Suite struct ResolvedUpstreamsTests {
    private func config(resolvConf: String, listen: [String] = ["127.0.0.153:53"]) throws -> DaemonConfig {
        var config = DaemonConfig.defaults
        config.upstream.resolvConf = resolvConf
        config.server.listen = try listen.map { try SocketAddressText(parsing: $0) }
        return config
    }

    @Test func explicitServersWin() throws {
        var config = try config(resolvConf: "/nonexistent/resolv.conf")
        config.upstream.servers = [try SocketAddressText(parsing: "192.0.2.1:5300")]
        let upstreams = try config.resolvedUpstreams()
        #expect(upstreams.servers.map(\.description) == ["192.0.2.1:5300"])
        #expect(upstreams.origin == "upstream.servers")
    }

    @Test func resolvConfMinusOwnListenAddresses() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("resolv.conf", "nameserver 127.0.0.153\nnameserver 192.0.2.1\nnameserver ::1\n")
        let upstreams = try config(resolvConf: path, listen: ["127.0.0.153:53", "[::1]:5353"]).resolvedUpstreams()
        #expect(upstreams.servers.map(\.description) == ["192.0.2.1:53", "[::1]:53"])
        #expect(upstreams.origin == path)
        #expect(upstreams.skippedAsOwnAddress.map(\.description) == ["127.0.0.153:53"])
    }

    @Test func onlyItselfInResolvConfIsALoopError() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("resolv.conf", "# pinhole is the system resolver\nnameserver 127.0.0.153\n")
        #expect {
            try config(resolvConf: path).resolvedUpstreams()
        } throws: { error in
            let error = error as? ConfigError
            return error?.file == path && error?.message.contains("pinhole would query itself") == true
                && error?.message.contains("127.0.0.153:53") == true
        }
        // A wildcard listener also catches loopback nameservers.
        let local = dir.write("local.conf", "nameserver 127.0.0.1\n")
        #expect(throws: ConfigError.self) { try config(resolvConf: local, listen: ["0.0.0.0:53"]).resolvedUpstreams() }
    }

    @Test func noNameserverLinesIsAnError() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("resolv.conf", "search example.com\n")
        #expect {
            try config(resolvConf: path).resolvedUpstreams()
        } throws: { error in
            (error as? ConfigError)?.message.contains("no usable nameserver") == true
        }
    }

    @Test func explicitServerEqualToListenIsAnError() throws {
        var config = DaemonConfig.defaults
        config.upstream.servers = [try SocketAddressText(parsing: "127.0.0.153")]
        #expect(throws: ConfigError.self) { try config.resolvedUpstreams() }
    }
}
