import Testing
@testable import PinholeCore

@Suite struct CIDRBlockTests {
    @Test func parsesAndContains() throws {
        let v4 = try CIDRBlock(parsing: "192.0.2.0/24")
        #expect(v4.description == "192.0.2.0/24")
        #expect(v4.contains(IPAddress("192.0.2.200")!) && !v4.contains(IPAddress("192.0.3.1")!))
        #expect(!v4.contains(IPAddress("::ffff:192.0.2.1")!))
        let v6 = try CIDRBlock(parsing: "2001:db8::/32")
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!) && !v6.contains(IPAddress("2001:db9::1")!))
        let host = try CIDRBlock(parsing: "10.1.2.3")
        #expect(host.prefixLength == 32 && host.contains(IPAddress("10.1.2.3")!) && !host.contains(IPAddress("10.1.2.4")!))
        #expect(try CIDRBlock(parsing: "0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
        #expect(try CIDRBlock(parsing: "2001:db8::1:0/112").contains(IPAddress("2001:db8::1:ff")!))
    }

    @Test(arguments: ["192.0.2.1/24", "192.0.2.0/33", "example.com", "10.0.0.0/", "10.0.0.0/x", "2001:db8::1/64"])
    func rejects(_ text: String) {
        #expect(throws: PolicySyntaxError.self) { try CIDRBlock(parsing: text) }
    }

    @Test func hostBitsErrorSuggestsTheNetwork() {
        #expect(throws: PolicySyntaxError("\"192.0.2.1/24\": host bits are set; did you mean \"192.0.2.0/24\"?")) {
            try CIDRBlock(parsing: "192.0.2.1/24")
        }
    }
}
