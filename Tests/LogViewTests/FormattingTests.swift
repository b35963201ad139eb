import Foundation
import LogView
import QueryLog
import Testing

@Suite struct FormattingTests {
    static let utc = TimeZone(identifier: "UTC")!

    static func record(_ id: Int64, name: String, decision: String = "allowed", reason: String? = "mode learn default") -> LogRecord {
        var record = LogRecord(id: id, ms: 1_795_694_400_000, app: "app-firefox.scope", name: name, qtype: 1, decision: decision)
        record.pid = 4242
        record.reason = reason
        return record
    }

    @Test func tableFitsTheWidthTruncatingTheWidestColumn() {
        let long = "a-very-long-subdomain-name-that-goes-on.and-on.cdn.example.com"
        let records = [Self.record(1, name: long, decision: "blocked", reason: "list entry ||ads.example^ (list ads (/etc/pinhole/lists/ads.txt:12))")]
        let twoDaysLater = records[0].ms + 2 * 86_400_000
        let lines = QueryLogOutput.table(records, terminal: Terminal(width: 80, colour: false), timeZone: Self.utc, now: twoDaysLater)
        #expect(lines.count == 2)
        for line in lines { #expect(line.count <= 80, "\(line.count): \(line)") }
        // Time, pid, type and decision are never cut; app, name and reason share the rest.
        #expect(lines[1].hasPrefix("11-26 12:00:00  app-fire"))
        #expect(lines[1].contains("….cdn.example.com  ") || lines[1].contains("…cdn.example.com  "), "the name keeps its end: \(lines[1])")
        #expect(lines[1].contains("  4242  ") && lines[1].contains("  A  "))
        #expect(lines[1].contains("blocked"))
        #expect(lines[1].contains("…"))
        // Wide enough: nothing cut.
        let wide = QueryLogOutput.table(records, terminal: Terminal(width: 300, colour: false), timeZone: Self.utc, now: records[0].ms + 60_000)
        #expect(wide[1].hasPrefix("12:00:00  app-firefox.scope"))  // today: the time alone
        #expect(wide[1].contains(long))
        #expect(!wide[1].contains("…"))
    }

    /// An app known by its executable keeps the executable's name when cut.
    @Test func aPathAppKeepsItsEnd() {
        var record = Self.record(1, name: "a-very-long-subdomain-name-that-goes-on.and-on.cdn.example.com", reason: String(repeating: "r", count: 60))
        record.app = "/usr/lib/firefox-esr/firefox-esr-binary"
        let lines = QueryLogOutput.table([record], terminal: Terminal(width: 80, colour: false), timeZone: Self.utc, now: record.ms)
        #expect(lines[1].contains("…"), "\(lines[1])")
        #expect(lines[1].contains("binary  4242"), "the executable's name stays: \(lines[1])")
    }

    @Test func shrinksTheWidestColumnFirstAndKeepsMinimums() {
        let table = TextTable(
            columns: [TextTable.Column("A", minimumWidth: 3), TextTable.Column("B", minimumWidth: 3)],
            rows: [["12345678901234567890", "123456"]])
        // 20 + 2 + 6 = 28 > 20: only A shrinks until it is no longer the widest.
        #expect(table.widths(fitting: 20) == [12, 6])
        #expect(table.widths(fitting: 14) == [6, 6])
        #expect(table.widths(fitting: 6) == [3, 3])  // the floor: over width rather than unreadable
        #expect(TextTable.truncate("example", to: 4) == "exa…")
        #expect(TextTable.truncate("example", to: 7) == "example")
        #expect(TextTable.truncate("example", to: 1) == "…")
        #expect(TextTable.truncateStart("www.example.com", to: 12) == "…example.com")
    }

    @Test func csvQuotesPerRFC4180() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("cr\r\nlf") == "\"cr\r\nlf\"")
        #expect(CSV.record(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
        let row = QueryLogOutput.csvRecord(Self.record(9, name: "x.example", reason: "rule \"a\", list b"))
        #expect(row.hasSuffix("\r\n"))
        #expect(row.contains("\"rule \"\"a\"\", list b\""))
        #expect(row.hasPrefix("9,2026-11-26T12:00:00.000Z,app-firefox.scope,4242,"))
    }

    @Test func jsonLinesAreOneObjectEachAndDecodeBack() throws {
        var record = Self.record(5, name: "www.example.com", decision: "blocked")
        record.addresses = ["192.0.2.1"]
        record.exe = "/usr/bin/curl"
        let line = try QueryLogOutput.jsonLine(record)
        #expect(!line.contains("\n"))
        #expect(line.contains("\"exe\":\"/usr/bin/curl\""))
        #expect(line.contains("\"decision\":\"blocked\""))
        let decoded = try JSONDecoder().decode(LogRecord.self, from: Data(line.utf8))
        #expect(decoded == record)
        // A stream may send the required fields only.
        let minimal = try JSONDecoder().decode(
            LogRecord.self, from: Data(#"{"id":1,"ms":2,"app":"a","name":"n.example","qtype":28,"decision":"allowed"}"#.utf8))
        #expect(minimal.name == "n.example" && minimal.reason == nil)
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() throws {
        #expect(Terminal.colourAllowed(isTTY: true, environment: [:]))
        #expect(!Terminal.colourAllowed(isTTY: true, environment: ["NO_COLOR": "1"]))
        #expect(Terminal.colourAllowed(isTTY: true, environment: ["NO_COLOR": ""]))  // no-color.org: empty means unset
        #expect(!Terminal.colourAllowed(isTTY: false, environment: [:]))
        // A pipe is no terminal: 80 columns, no colour.
        let pipe = Pipe()
        let piped = Terminal.current(descriptor: pipe.fileHandleForWriting.fileDescriptor, environment: [:])
        #expect(piped == Terminal(width: 80, colour: false))

        let blocked = [Self.record(1, name: "ads.example", decision: "blocked")]
        let coloured = QueryLogOutput.table(blocked, terminal: Terminal(width: 80, colour: true))
        #expect(coloured[1].hasPrefix("\u{1B}[31m") && coloured[1].hasSuffix("\u{1B}[0m"))
        let plain = QueryLogOutput.table(blocked, terminal: Terminal(width: 80, colour: false))
        #expect(!plain.joined().contains("\u{1B}"))
    }

    @Test func pagingHintReplacesBefore() {
        let hint = QueryLogOutput.nextPageHint(lastID: 99, arguments: ["--app", "my app", "--before", "500", "--limit", "2"])
        #expect(hint == "last id 99; next page: pinhole log --app 'my app' --limit 2 --before 99")
    }

    @Test func followFilterMatchesLikeTheReader() throws {
        var record = Self.record(1, name: "api.example.com", decision: "blocked")
        record.uid = 1000
        record.user = "alice"
        record.unit = "firefox.service"
        #expect(QueryFilter(app: "firefox.service", domain: try DomainPattern("example.com"), decision: .blocked).matches(record))
        #expect(QueryFilter(user: "1000", rule: "learn").matches(record))
        #expect(QueryFilter(user: "alice", qtype: 1).matches(record))
        #expect(!QueryFilter(app: "other").matches(record))
        #expect(!QueryFilter(domain: try DomainPattern("example.org")).matches(record))
        #expect(!QueryFilter(decision: .allowed).matches(record))
        #expect(!QueryFilter(user: "bob").matches(record))
        #expect(!QueryFilter(since: record.ms + 1).matches(record))
    }
}
