import Testing
@testable import PinholeCore

@Suite struct PlainAndWildcardFormatTests {
    @Test func plainReadsOneNameALine() {
        let list = parseList(
            """
            # telemetry
            Telemetry.Example.
              metrics.example   # inline comment

            a.example b.example
            xn--bcher-kva.example
            """, .plain)
        #expect(summary(list) == [
            "subtree telemetry.example 2", "subtree metrics.example 3", "subtree xn--bcher-kva.example 6",
        ])
        #expect(list.rejected.map(\.line) == [5])
        #expect(list.rejected.first?.reason.contains("more than one word") == true)
    }

    @Test func plainLinesCanMeanExact() {
        #expect(summary(parseList("a.example\n", .plain, plainLines: .exact)) == ["exact a.example 1"])
    }

    @Test func wildcardReadsSubdomainsAndPlainNames() {
        let list = parseList(
            """
            *.cdn.example
            whole.example
            a*.example
            *.
            """, .wildcard, plainLines: .exact)
        #expect(summary(list) == ["subdomains cdn.example 1", "exact whole.example 2"])
        #expect(list.rejected.map(\.line) == [3, 4])
        #expect(list.rejected.first?.reason.contains("'*' only") == true)
    }
}
