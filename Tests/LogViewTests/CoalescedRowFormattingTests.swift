import Foundation
import LogView
import QueryLog
import Testing

/// A row standing for repeated queries shows how many, in every format.
@Suite struct CoalescedRowFormattingTests {
    static func record(count: Int64?) -> LogRecord {
        var record = FormattingTests.record(1, name: "a-very-long-subdomain-name-that-goes-on.and-on.cdn.example.com")
        record.count = count
        if let count, count > 1 { record.lastMs = record.ms + 180 }
        return record
    }

    @Test func theTableShowsTheCountAfterTheNameEvenWhenTheNameIsCut() {
        let utc = FormattingTests.utc
        let repeated = Self.record(count: 12)
        let narrow = QueryLogOutput.table([repeated], terminal: Terminal(width: 80, colour: false), timeZone: utc, now: repeated.ms)
        for line in narrow { #expect(line.count <= 80, "\(line.count): \(line)") }
        #expect(narrow[1].contains("example.com ×12  "), "\(narrow[1])")
        let single = Self.record(count: 1)
        let wide = QueryLogOutput.table([single], terminal: Terminal(width: 300, colour: false), timeZone: utc, now: single.ms)
        #expect(!wide[1].contains("×"))
        // A streamed record leaves the count out: one query.
        #expect(QueryLogOutput.cells(Self.record(count: nil))[3] == single.name)
    }

    @Test func jsonAndCSVCarryTheCount() throws {
        let repeated = Self.record(count: 12)
        let json = try QueryLogOutput.jsonLine(repeated)
        #expect(json.contains("\"count\":12") && json.contains("\"last_ms\":\(repeated.ms + 180)"), "\(json)")
        let decoded = try JSONDecoder().decode(LogRecord.self, from: Data(json.utf8))
        #expect(decoded.queries == 12)
        #expect(QueryLogOutput.csvHeader.last == "count")
        #expect(QueryLogOutput.csvRecord(repeated).hasSuffix(",12\r\n"))
        #expect(QueryLogOutput.csvRecord(Self.record(count: nil)).hasSuffix(",1\r\n"))
    }
}
