import Testing
@testable import PinholeCore

@Suite struct AdblockFormatTests {
    @Test func readsTheDNSSubset() {
        let list = parseList(
            """
            [Adblock Plus 2.0]
            ! Title: test
            ||ads.example^
            |exact.example^
            @@||allowed.ads.example^
            ||must.example^$important
            @@||both.example^$important
            ||typed.example^$dnstype=A|AAAA
            ||nottxt.example^$dnstype=~TXT,important
            ||anchored.example^|
            bare.example
            """, .adblock, plainLines: .exact)
        #expect(summary(list) == [
            "subtree ads.example 3", "exact exact.example 4", "subtree allowed.ads.example 5 exception",
            "subtree must.example 6 important", "subtree both.example 7 exception important",
            "subtree typed.example 8 A|AAAA", "subtree nottxt.example 9 important ~TXT",
            "subtree anchored.example 10", "exact bare.example 11",
        ])
        #expect(list.rejectedCount == 0)
        #expect(list.ignoredCount == 0)
    }

    @Test func countsUnknownModifiersCosmeticAndURLRules() {
        let list = parseList(
            """
            ||tp.example^$third-party
            ||tp2.example^$third-party,important
            ||client.example^$client=192.168.0.1
            ||x.example^$important,denyallow=y.example
            example.com##.banner
            ##.ad
            example.com#@#.ad
            ||example.com/ads/*
            /banner[0-9]+/
            -ad-server.
            # a comment
            ||kept.example^
            """, .adblock)
        #expect(list.ignored["$third-party"] == 2)
        #expect(list.ignored["$client"] == 1)
        #expect(list.ignored["$denyallow"] == 1)
        #expect(list.ignored["cosmetic"] == 3)
        #expect(list.ignored["url rule"] == 3)
        #expect(summary(list) == ["subtree kept.example 12"])
        #expect(list.rejectedCount == 0)
    }

    @Test func rejectsUnknownDNSTypesAndBadNames() {
        let list = parseList(
            """
            ||a.example^$dnstype=BOGUS
            ||bad..example^
            ||bücher.example^
            """, .adblock)
        #expect(list.rejected.map(\.line) == [1, 2, 3])
        #expect(list.rejected[0].reason.contains("BOGUS"))
        #expect(list.rejected[2].reason.contains("not punycode"))
    }
}
