import Testing
@testable import PinholeCore

@Suite struct DnsmasqFormatTests {
    @Test func readsBlockingDirectivesAsSubtrees() {
        let list = parseList(
            """
            # dnsmasq blocklist
            address=/a.example/0.0.0.0
            address=/b.example/
            address=/c.example/d.example/::
            server=/e.example/
            local=/f.example/
            address=/*.g.example/#
            """, .dnsmasq, plainLines: .exact)
        #expect(summary(list) == [
            "subtree a.example 2", "subtree b.example 3", "subtree c.example 4", "subtree d.example 4",
            "subtree e.example 5", "subtree f.example 6", "subdomains g.example 7",
        ])
        #expect(list.rejectedCount == 0)
    }

    @Test func ignoresForwardsRedirectsAndOtherDirectives() {
        let list = parseList(
            """
            server=/corp.example/10.0.0.1
            address=/home.example/192.168.1.10
            server=9.9.9.9
            cache-size=1000
            bogus-priv
            """, .dnsmasq)
        #expect(list.entryCount == 0)
        #expect(list.ignored["server forward"] == 1)
        #expect(list.ignored["address redirect"] == 1)
        #expect(list.ignored["server without /domain/"] == 1)
        #expect(list.ignored["directive cache-size"] == 1)
        #expect(list.ignored["directive bogus-priv"] == 1)
    }

    @Test func rejectsMalformedDomains() {
        let list = parseList(
            """
            address=/#/
            address=/bad..example/
            address=/unclosed.example
            """, .dnsmasq)
        #expect(list.rejected.map(\.line) == [1, 2, 3])
        #expect(list.entryCount == 0)
    }
}
