import Testing
@testable import PinholeDaemon

@Suite struct SocketAddressTextTests {
    @Test(arguments: [
        ("127.0.0.1:5353", "127.0.0.1:5353", "127.0.0.1", 5353),
        ("127.0.0.153", "127.0.0.153:53", "127.0.0.153", 53),
        ("[::1]:5300", "[::1]:5300", "::1", 5300),
        ("[::1]", "[::1]:53", "::1", 53),
        ("::1", "[::1]:53", "::1", 53),
        ("2001:DB8:0:0::1", "[2001:db8::1]:53", "2001:db8::1", 53),
        ("fe80::1%eth0", "[fe80::1%eth0]:53", "fe80::1", 53),
        ("[fe80::1%2]:853", "[fe80::1%2]:853", "fe80::1", 853),
        ("0.0.0.0:53", "0.0.0.0:53", "0.0.0.0", 53),
    ] as [(String, String, String, Int)])
    func parses(text: String, canonical: String, host: String, port: Int) throws {
        let address = try SocketAddressText(parsing: text)
        #expect(address.description == canonical)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(try SocketAddressText(parsing: address.description) == address, "description round-trips")
    }

    @Test(arguments: [
        ("1.2.3.4:99999", "port must be 1...65535"),
        ("1.2.3.4:0", "port must be 1...65535"),
        ("1.2.3.4:", "port must be 1...65535"),
        ("1.2.3.4:x53", "port must be 1...65535"),
        ("[::1]:-1", "port must be 1...65535"),
        ("dns.google", "\"dns.google\" is not a numeric IPv4 or IPv6 address"),
        ("1.2.3:53", "\"1.2.3\" is not a numeric IPv4 or IPv6 address"),
        ("256.1.1.1", "\"256.1.1.1\" is not a numeric IPv4 or IPv6 address"),
        ("[::1", "missing \"]\" after the IPv6 address"),
        ("[::1]53", "expected \":PORT\" after \"]\", got \"53\""),
        ("1.2.3.4%eth0", "a scope (\"%...\") is only allowed on IPv6 addresses"),
        ("fe80::1%", "empty IPv6 scope after \"%\""),
        ("", "missing address"),
        (":53", "missing address"),
    ] as [(String, String)])
    func rejects(text: String, message: String) {
        #expect(throws: SocketAddressText.ParseError(message: message)) {
            try SocketAddressText(parsing: text)
        }
    }

    @Test func classifiesAddresses() throws {
        #expect(try SocketAddressText(parsing: "127.8.9.10").isLoopback)
        #expect(try SocketAddressText(parsing: "::1").isLoopback)
        #expect(try !SocketAddressText(parsing: "::2").isLoopback)
        #expect(try SocketAddressText(parsing: "[::]:53").isWildcard)
        #expect(try SocketAddressText(parsing: "febf::1").isIPv6LinkLocal)
        #expect(try !SocketAddressText(parsing: "fec0::1").isIPv6LinkLocal)
    }

    @Test func receivesDecidesLoops() throws {
        func a(_ text: String) throws -> SocketAddressText { try SocketAddressText(parsing: text) }
        #expect(try a("127.0.0.153").receives(a("127.0.0.153:53")))
        #expect(try !a("127.0.0.153").receives(a("127.0.0.153:5353")))
        #expect(try a("0.0.0.0").receives(a("127.0.0.1")))
        #expect(try !a("0.0.0.0").receives(a("192.0.2.1")))
        #expect(try a("[::]").receives(a("127.0.0.1")))
        #expect(try !a("0.0.0.0").receives(a("::1")))
    }

    @Test func convertsToNIOAddress() throws {
        let v6 = try SocketAddressText(parsing: "[2001:db8::1]:5300").socketAddress()
        #expect(v6.port == 5300)
        #expect(v6.ipAddress == "2001:db8::1")
        let scoped = try SocketAddressText(parsing: "[fe80::1%1]:53").socketAddress()
        #expect(scoped.port == 53)
        #expect(throws: (any Error).self) { try SocketAddressText(parsing: "fe80::1%nosuchif0").socketAddress() }
    }
}
