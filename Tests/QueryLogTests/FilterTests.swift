import DNSWire
import Foundation
import PinholeCore
import Testing
@testable import QueryLog

/// One database with a known mix, read through every filter.
@Suite struct FilterTests {
    let directory = TemporaryDirectory()
    let reader: QueryLogReader
    static let firefox = LogFixtures.identity()
    static let curl = LogFixtures.identity(
        key: "/usr/bin/curl", pid: 900, uid: 0, userName: "root", executable: "/usr/bin/curl", unit: "session-3.scope", userUnit: nil)

    init() throws {
        let writer = LogFixtures.writer(directory)
        let t = LogFixtures.noon
        // (name, app, decision, type, time)
        writer.record(try LogFixtures.entry("www.example.com", app: Self.firefox), atMilliseconds: t - 3 * 3_600_000)
        writer.record(try LogFixtures.entry("example.com", app: Self.firefox, decision: LogFixtures.allowed()), atMilliseconds: t - 2 * 3_600_000)
        writer.record(try LogFixtures.entry("ads.tracker.net", app: Self.firefox, decision: LogFixtures.blocked()), atMilliseconds: t - 3_600_000)
        writer.record(try LogFixtures.entry("mail.google.com", type: DNSType.aaaa, app: Self.curl), atMilliseconds: t - 1_800_000)
        writer.record(try LogFixtures.entry("www.google.com", app: Self.curl, decision: LogFixtures.blocked(rule: "google.com", list: "big")), atMilliseconds: t - 60_000)
        writer.record(try LogFixtures.entry("notexample.com", app: nil), atMilliseconds: t)
        writer.close()
        reader = try QueryLogReader(path: directory.database)
    }

    func names(_ filter: QueryFilter) throws -> [String] {
        try reader.entries(filter: filter, limit: 100).map(\.name)
    }

    @Test func noFilterGivesEverythingNewestFirst() throws {
        #expect(try names(QueryFilter()) == ["notexample.com", "www.google.com", "mail.google.com", "ads.tracker.net", "example.com", "www.example.com"])
    }

    @Test func appMatchesKeyUnitOrExecutable() throws {
        #expect(try names(QueryFilter(app: "app-firefox.scope")) == ["ads.tracker.net", "example.com", "www.example.com"])
        #expect(try names(QueryFilter(app: "app-firefox-1234.scope")).count == 3)
        #expect(try names(QueryFilter(app: "/usr/bin/curl")) == ["www.google.com", "mail.google.com"])
        #expect(try names(QueryFilter(app: "session-3.scope")).count == 2)
        #expect(try names(QueryFilter(app: "unknown")) == ["notexample.com"])
        #expect(try names(QueryFilter(app: "nothing")).isEmpty)
    }

    @Test func pidAndUser() throws {
        #expect(try names(QueryFilter(pid: 900)) == ["www.google.com", "mail.google.com"])
        #expect(try names(QueryFilter(user: "alice")).count == 3)
        #expect(try names(QueryFilter(user: "0")) == ["www.google.com", "mail.google.com"])
        #expect(try names(QueryFilter(user: "1001")) == ["notexample.com"])
    }

    @Test func domainSubtreeCoversTheNameAndItsSubdomainsOnly() throws {
        #expect(try names(QueryFilter(domain: DomainPattern("*.example.com"))) == ["example.com", "www.example.com"])
        #expect(try names(QueryFilter(domain: DomainPattern("example.com"))) == ["example.com", "www.example.com"])
        #expect(try names(QueryFilter(domain: DomainPattern("www.example.com"))) == ["www.example.com"])
        #expect(try names(QueryFilter(domain: DomainPattern("*.mail.google.com"))) == ["mail.google.com"])
        #expect(try names(QueryFilter(domain: DomainPattern("com"))).count == 5)
        #expect(try names(QueryFilter(domain: DomainPattern("xample.com"))).isEmpty)
        #expect(try names(QueryFilter(domain: DomainPattern("*google*"))) == ["www.google.com", "mail.google.com"])
    }

    @Test func decisionTypeAndRule() throws {
        #expect(try names(QueryFilter(decision: .blocked)) == ["www.google.com", "ads.tracker.net"])
        #expect(try names(QueryFilter(decision: .allowed)) == ["example.com"])
        #expect(try names(QueryFilter(qtype: DNSType.aaaa)) == ["mail.google.com"])
        #expect(try names(QueryFilter(rule: "lists/big.txt")) == ["www.google.com"])
        #expect(try names(QueryFilter(rule: "||ads")) == ["ads.tracker.net"])
    }

    @Test func sinceAndUntil() throws {
        let t = LogFixtures.noon
        #expect(try names(QueryFilter(since: t - 3_600_000)) == ["notexample.com", "www.google.com", "mail.google.com", "ads.tracker.net"])
        #expect(try names(QueryFilter(since: t - 2 * 3_600_000, until: t - 1_800_000)) == ["ads.tracker.net", "example.com"])
    }

    @Test func filtersCombine() throws {
        let filter = QueryFilter(app: "app-firefox.scope", domain: try DomainPattern("*.example.com"), since: LogFixtures.noon - 86_400_000)
        #expect(try names(filter) == ["example.com", "www.example.com"])
        #expect(try names(QueryFilter(app: "/usr/bin/curl", decision: .blocked)) == ["www.google.com"])
    }

    @Test func pagesFollowTheLastIdWithoutGapsOrRepeats() throws {
        var seen: [String] = []
        var before: Int64?
        while true {
            let page = try reader.entries(limit: 4, before: before)
            if page.isEmpty { break }
            #expect(page.count <= 4)
            seen += page.map(\.name)
            before = page.last!.id
        }
        #expect(seen == ["notexample.com", "www.google.com", "mail.google.com", "ads.tracker.net", "example.com", "www.example.com"])
    }

    @Test func appsSummarizeQueriesBlockedShareAndDomains() throws {
        let apps = try reader.apps()
        #expect(apps.map(\.key) == ["unknown", "/usr/bin/curl", "app-firefox.scope"])
        let firefox = try #require(apps.first { $0.key == "app-firefox.scope" })
        #expect(firefox.queries == 3)
        #expect(firefox.blocked == 1)
        #expect(abs(firefox.blockedPercent - 100.0 / 3) < 0.01)
        #expect(firefox.domains == 2)
        #expect(firefox.unit == "user@1000.service")
        #expect(firefox.executable == "/usr/lib/firefox/firefox")
        #expect(firefox.firstSeen == LogFixtures.noon - 3 * 3_600_000)
        #expect(firefox.lastSeen == LogFixtures.noon - 3_600_000)
    }

    @Test func domainsOfAnAppGroupByRegistrableDomain() throws {
        let domains = try reader.domains(app: "app-firefox.scope")
        #expect(domains.map(\.domain) == ["example.com", "tracker.net"])
        #expect(domains[0].queries == 2)
        #expect(domains[0].blocked == 0)
        #expect(domains[0].firstSeen == LogFixtures.noon - 3 * 3_600_000)
        #expect(domains[0].lastSeen == LogFixtures.noon - 2 * 3_600_000)
        #expect(domains[1].blocked == 1)
        let recent = try reader.domains(app: "app-firefox.scope", since: LogFixtures.noon - 2 * 3_600_000)
        #expect(recent.map(\.domain) == ["example.com", "tracker.net"])
        #expect(recent[0].queries == 1)
        #expect(try reader.domains(app: "nothing").isEmpty)
    }
}
