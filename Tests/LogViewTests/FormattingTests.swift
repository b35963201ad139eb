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

    /// VIA (the transport) shows on a wide terminal, and is the first thing
    /// left out under 100 columns, before names and reasons are cut further.
    @Test func theTransportColumnShowsWhenWideAndGoesFirstWhenNarrow() throws {
        var records = [("udp", "a.example"), ("tcp", "b.example"), ("varlink", "c.example"), (nil, "d.example")].enumerated().map { index, pair in
            var record = Self.record(Int64(index), name: pair.1, reason: String(repeating: "r", count: 50))
            record.transport = pair.0
            return record
        }
        let wide = QueryLogOutput.table(records, terminal: Terminal(width: 100, colour: false), timeZone: Self.utc, now: records[0].ms)
        let via = try #require(wide[0].range(of: "VIA")).lowerBound.utf16Offset(in: wide[0])
        #expect(wide[0].contains("TYPE  VIA  DECISION"), "\(wide[0])")
        let cells = wide.dropFirst().map { String($0.dropFirst(via).prefix(5)) }
        #expect(cells == ["udp  ", "tcp  ", "vl   ", "-    "], "\(wide)")
        for line in wide { #expect(line.count <= 100, "\(line.count): \(line)") }

        let narrow = QueryLogOutput.table(records, terminal: Terminal(width: 99, colour: false), timeZone: Self.utc, now: records[0].ms)
        #expect(!narrow[0].contains("VIA") && narrow[0].contains("TYPE  DECISION"), "\(narrow[0])")
        #expect(narrow[1].contains("  A     allowed   rrr"), "no cell left of the column: \(narrow[1])")
        #expect(narrow[1].count == 99, "the freed width goes to the reason: \(narrow[1])")
        // A table that fits whole keeps it however narrow the terminal.
        records[0].reason = "short"
        let fits = QueryLogOutput.table([records[0]], terminal: Terminal(width: 80, colour: false), timeZone: Self.utc, now: records[0].ms)
        #expect(fits[1].hasSuffix("A     udp  allowed   short"), "\(fits[1])")
        // --follow fixes its widths up front: VIA from 100 columns.
        #expect(QueryLogOutput.followLayout(terminal: Terminal(width: 100, colour: false)).header.contains("  VIA  "))
        let follow = QueryLogOutput.followLayout(terminal: Terminal(width: 80, colour: false))
        #expect(!follow.header.contains("VIA"))
        #expect(!follow.table.line(QueryLogOutput.cells(records[1]), widths: follow.widths).contains("tcp"))
    }

    @Test func shrinksTheWidestColumnFirstAndKeepsMinimums() {
        let table = TextTable(
            columns: [TextTable.Column("A", minimumWidth: 3), TextTable.Column("B", minimumWidth: 3)],
            rows: [["12345678901234567890", "123456"]])
        // 20 + 2 + 6 = 28 > 20: only A shrinks until it is no longer the widest.
        #expect(table.widths(fitting: 20) == [12, 6])
        #expect(table.widths(fitting: 14) == [6, 6])
        #expect(table.widths(fitting: 6) == [3, 3])  // the floor: over width rather than unreadable
        // An optional column goes before any cut, and only under its width.
        let optional = TextTable(
            columns: [TextTable.Column("A", minimumWidth: 3), TextTable.Column("O", droppedBelow: 30), TextTable.Column("B", minimumWidth: 3)],
            rows: [["12345678901234567890", "ooo", "123456"]])
        #expect(optional.widths(fitting: 33) == [20, 3, 6])  // fits whole
        #expect(optional.widths(fitting: 30) == [17, 3, 6])  // not under its width: kept, A cut
        #expect(optional.widths(fitting: 29) == [20, 0, 6])  // left out, gap too: nothing cut
        #expect(optional.line(["x", "o", "y"], widths: [3, 0, 3]) == "x    y")
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
