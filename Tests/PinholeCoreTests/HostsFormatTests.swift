import Testing
@testable import PinholeCore

@Suite struct HostsFormatTests {
    @Test func readsAddressesWithOneOrMoreNames() {
        let list = parseList(
            """
            # StevenBlack-style header
            0.0.0.0 ads.example
            127.0.0.1 a.example B.Example\tc.example.  # trailing comment
            :: v6.example

            """, .hosts)
        #expect(summary(list) == [
            "subtree ads.example 2", "subtree a.example 3", "subtree b.example 3", "subtree c.example 3",
            "subtree v6.example 4",
        ])
        #expect(list.lineCount == 4)
        #expect(list.rejectedCount == 0)
    }

    @Test func plainLinesSettingDecidesTheMatch() {
        let list = parseList("0.0.0.0 a.example\n", .hosts, plainLines: .exact)
        #expect(summary(list) == ["exact a.example 1"])
    }

    @Test func skipsTheMachinesOwnNames() {
        let list = parseList(
            """
            127.0.0.1 localhost
            127.0.0.1 localhost.localdomain
            255.255.255.255 broadcasthost
            ::1 ip6-localhost ip6-loopback
            fe00::0 ip6-localnet
            0.0.0.0 0.0.0.0
            0.0.0.0 tracker.example
            """, .hosts)
        #expect(summary(list) == ["subtree tracker.example 7"])
        #expect(list.ignored["local name"] == 7)
    }

    @Test func rejectsBadLinesWithTheirNumbers() {
        let list = parseList(
            """
            0.0.0.0 good.example
            ads.example
            0.0.0.0
            0.0.0.0 bad..example
            0.0.0.0 bücher.example
            0.0.0.0 \(String(repeating: "x", count: 64)).example
            0.0.0.0 a/b.example ok.example
            """, .hosts)
        #expect(list.rejected.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(list.rejected[0].reason.contains("expected an address"))
        #expect(list.rejected[1].reason.contains("without a name"))
        #expect(list.rejected[2].reason.contains("empty label"))
        #expect(list.rejected[3].reason.contains("not punycode"))
        #expect(list.rejected[4].reason.contains("longer than 63"))
        #expect(list.rejected[5].reason.contains("'/'"))
        // The good name beside a bad one on line 7 is kept.
        #expect(summary(list) == ["subtree good.example 1", "subtree ok.example 7"])
    }

    @Test func handlesCRLFAndByteOrderMark() {
        let list = parseList("\u{FEFF}0.0.0.0 a.example\r\n0.0.0.0 b.example\r\n", .hosts)
        #expect(summary(list) == ["subtree a.example 1", "subtree b.example 2"])
    }

    @Test func keepsOnlyTheFirstRejectedLinesButCountsAll() {
        let text = String(repeating: "nonsense\n", count: 50)
        let list = ListParser(format: .hosts, maxRejectedKept: 10).parse(Array(text.utf8), file: "x")
        #expect(list.rejected.count == 10)
        #expect(list.rejectedCount == 50)
    }
}
