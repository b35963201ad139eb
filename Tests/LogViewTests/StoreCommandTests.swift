import Foundation
import LogView
import PinholeCore
import PinholeDaemon
import QueryLog
import Testing

/// The views over a real database filled through `QueryLogWriter`, and
/// the suggested profile read back by pinholed's own profile loader.
@Suite struct StoreCommandTests {
    @Test func logRowsShowDecisionAndReasonNewestFirst() throws {
        let scratch = ScratchDirectory()
        let now = LogViewFixtures.now
        try LogViewFixtures.fill(scratch.database, now: now)
        let reader = try QueryLogReader(path: scratch.database)
        let since = try TimeExpression("1h").milliseconds(now: now)
        let rows = try reader.entries(filter: QueryFilter(app: "curl-job.service", since: since)).map(LogRecord.init)
        #expect(rows.map(\.name) == ["tracker.example.net", "www.example.com", "api.example.com"])
        let lines = QueryLogOutput.table(rows, terminal: Terminal(width: 120, colour: false))
        #expect(lines[0].hasPrefix("TIME"))
        #expect(lines[1].contains("tracker.example.net") && lines[1].contains("blocked") && lines[1].contains("list"))
        #expect(lines[2].contains("AAAA") && lines[2].contains("allowed") && lines[2].contains("mode learn default"))
        #expect(rows[0].rule == "tracker.example.net" && rows[0].list == "ads")
    }

    @Test func appsAndDomainsTables() throws {
        let scratch = ScratchDirectory()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let reader = try QueryLogReader(path: scratch.database)
        let apps = try reader.apps()
        let lines = SummaryOutput.appsTable(apps, terminal: Terminal(width: 160, colour: false))
        let curl = try #require(lines.first { $0.hasPrefix("curl-job.service") })
        // 4 queries, 1 blocked, 3 registrable domains (example.org, example.com, example.net).
        #expect(curl.contains("/usr/bin/curl"))
        #expect(curl.contains("25.0%"))
        #expect(curl.hasSuffix("  3"))
        let domains = SummaryOutput.domainsTable(try reader.domains(app: "curl-job.service"), terminal: Terminal(width: 80, colour: false))
        #expect(domains[1].hasPrefix("example.com") && domains[1].contains(" 2 "))
        #expect(try SummaryOutput.jsonLine(apps[0]).contains("\"blocked_percent\""))
    }

    @Test func suggestedProfileLoadsAndMarksListedDomains() throws {
        let scratch = ScratchDirectory()
        try scratch.writePolicy()
        let now = LogViewFixtures.now
        try LogViewFixtures.fill(scratch.database, now: now)
        let reader = try QueryLogReader(path: scratch.database)
        let lists = try PolicyLoader.load(try ConfigLoader.load(path: scratch.config).policy).lists
        let categories = ListCategories(lists: lists)
        let entries = try reader.domains(app: "curl-job.service").map { summary in
            ProfileSuggestion.Entry(summary: summary, blockedBy: categories.blocking(
                try reader.entries(filter: QueryFilter(app: "curl-job.service", domain: try DomainPattern(summary.domain))).map(\.name)))
        }
        let suggestion = ProfileSuggestion(
            app: "curl-job.service", unit: "curl-job.service", userUnit: nil, executable: "/usr/bin/curl", entries: entries, window: "--since 7d")
        let text = suggestion.toml { TimeText.minutes($0) }
        #expect(text.contains("# LISTED: ads-trackers (ads) would block it"))
        #expect(text.contains("    # \"example.net\","))

        let set = try ProfileLoader.parse(files: [("/x/\(suggestion.profileName).toml", text)], registrable: nil)
        let profile = try #require(set.profiles.first)
        #expect(profile.name == "curl-job")
        #expect(profile.mode == .enforce)
        #expect(profile.allow.firstMatch(PolicyName("api.example.com")!) != nil)
        #expect(profile.allow.firstMatch(PolicyName("example.org")!) != nil)
        #expect(profile.allow.firstMatch(PolicyName("tracker.example.net")!) == nil)  // listed: left commented out
        let app = LogViewFixtures.curl
        #expect(set.select(for: app).name == "curl-job")
        #expect(set.select(for: LogViewFixtures.backup).name == "default")
    }

    @Test func matchFollowsTheAppKey() {
        func match(_ app: String, unit: String? = nil, userUnit: String? = nil, exe: String? = "/usr/bin/x") -> String {
            let m = ProfileSuggestion(app: app, unit: unit, userUnit: userUnit, executable: exe, entries: [], window: "").match
            return "\(m.key)=\(m.value)"
        }
        #expect(match("nginx.service", unit: "nginx.service") == "unit=nginx.service")
        #expect(match("app-firefox.scope", unit: "user@1000.service", userUnit: "app-firefox-1234.scope") == "unit=app-firefox-*.scope")
        #expect(match("flatpak:org.mozilla.firefox") == "unit=app-flatpak-org.mozilla.firefox-*.scope")
        #expect(match("/usr/bin/curl") == "executable=/usr/bin/curl")
        #expect(ProfileSuggestion(app: "/usr/bin/curl", unit: nil, userUnit: nil, executable: nil, entries: [], window: "").profileName == "curl")
    }

    @Test func installIsAtomicAndRefusesToOverwrite() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.profiles, withIntermediateDirectories: true)
        let path = try ProfileInstaller.install("mode = \"enforce\"\n", name: "shop", directory: scratch.profiles, overwrite: false)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mode = \"enforce\"\n")
        #expect(throws: ProfileInstaller.Failure.self) {
            try ProfileInstaller.install("mode = \"learn\"\n", name: "shop", directory: scratch.profiles, overwrite: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mode = \"enforce\"\n")
        try ProfileInstaller.install("mode = \"learn\"\n", name: "shop", directory: scratch.profiles, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mode = \"learn\"\n")
        // No temporary file left behind, either way.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.profiles) == ["shop.toml"])
        // A missing folder is an error naming it.
        do {
            try ProfileInstaller.install("x", name: "a", directory: scratch.path + "/missing", overwrite: false)
            Issue.record("installed into a missing folder")
        } catch {
            #expect(error.path.hasSuffix("/missing"))
        }
    }
}
