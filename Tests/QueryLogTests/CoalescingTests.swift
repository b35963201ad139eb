import DNSWire
import Foundation
import GRDB
import PinholeCore
import Synchronization
import Testing
@testable import QueryLog

/// Repeats within one batch window are one row with a count; anything that
/// tells two queries apart keeps them in separate rows.
@Suite struct CoalescingTests {
    /// A writer that commits only when flushed (the window outlasts the test).
    static func flushOnlyWriter(_ directory: TemporaryDirectory, clock: @escaping @Sendable () -> Int64 = { LogFixtures.noon }) -> QueryLogWriter {
        var settings = LogFixtures.settings(clock: clock)
        settings.batchInterval = .seconds(60)
        settings.batchSize = 10_000
        return LogFixtures.writer(directory, settings)
    }

    @Test func repeatsInOneWindowAreOneRowWithTheirCountSpanAndSlowestLatency() throws {
        let directory = TemporaryDirectory()
        let writer = Self.flushOnlyWriter(directory)
        for index in 0..<5 {
            writer.record(try LogFixtures.entry(latencyNanoseconds: UInt64(index == 2 ? 9_000_000 : 1_000_000)),
                          atMilliseconds: LogFixtures.noon + Int64(index) * 10)
        }
        #expect(writer.flush())
        writer.close()
        #expect(writer.counters.written == 5)
        let reader = try QueryLogReader(path: directory.database)
        let rows = try reader.entries()
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.count == 5)
        #expect(row.milliseconds == LogFixtures.noon)
        #expect(row.lastMilliseconds == LogFixtures.noon + 40)
        #expect(row.latencyMicroseconds == 9_000)
        #expect(try reader.count() == 5)
        #expect(try reader.rowCount() == 1)
        let record = LogRecord(row)
        #expect(record.count == 5 && record.lastMs == LogFixtures.noon + 40)
        // Totals count queries, not rows.
        #expect(try reader.apps().first?.queries == 5)
        let domains = try reader.domains(app: "app-firefox.scope")
        #expect(domains.map(\.queries) == [5])
        let recent = try reader.domains(app: "app-firefox.scope", since: LogFixtures.noon - 1_000)
        #expect(recent.map(\.queries) == [5])
        #expect(recent.first?.lastSeen == LogFixtures.noon + 40)
    }

    @Test func anotherProcessNameTypeDecisionRcodeOrAnswerIsAnotherRow() throws {
        let directory = TemporaryDirectory()
        let writer = Self.flushOnlyWriter(directory)
        let at = LogFixtures.noon
        let variants: [QueryLogEntry] = [
            try LogFixtures.entry(),
            try LogFixtures.entry(app: LogFixtures.identity(pid: 4243)),
            try LogFixtures.entry("other.example.com"),
            try LogFixtures.entry(type: DNSType.aaaa),
            try LogFixtures.entry(decision: LogFixtures.allowed()),
            try LogFixtures.entry(decision: LogFixtures.blocked()),
            try LogFixtures.entry(decision: LogFixtures.blocked(rule: "||other.example^")),
            try LogFixtures.entry(rcode: 3),
            try LogFixtures.entry(facts: AnswerFacts(addresses: [IPAddress("192.0.2.2")!])),
            try LogFixtures.entry(transport: .tcp),
            try LogFixtures.entry(source: .cache),
        ]
        // Each variant twice, interleaved: each pair is one row of count 2.
        for round in 0..<2 {
            for (index, entry) in variants.enumerated() { writer.record(entry, atMilliseconds: at + Int64(round * 100 + index)) }
        }
        #expect(writer.flush())
        writer.close()
        let reader = try QueryLogReader(path: directory.database)
        let rows = try reader.entries(limit: 100)
        #expect(rows.count == variants.count)
        #expect(rows.allSatisfy { $0.count == 2 && $0.spanMilliseconds == 100 }, "\(rows.map { ($0.name, $0.count, $0.spanMilliseconds) })")
        // Newest first; ids in the order of each row's first query.
        #expect(rows.map(\.milliseconds) == (0..<variants.count).reversed().map { at + Int64($0) })
        #expect(try reader.count() == 2 * variants.count)
        let apps = try reader.apps()
        #expect(apps.first?.queries == Int64(2 * variants.count))
        #expect(apps.first?.blocked == 4)
    }

    @Test func aRowNeverSpansTwoBatches() throws {
        let directory = TemporaryDirectory()
        let writer = Self.flushOnlyWriter(directory)
        for index in 0..<3 { writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon + Int64(index)) }
        #expect(writer.flush())
        // Committed already: a kill -9 now would lose none of these three.
        #expect(try QueryLogReader(path: directory.database).count() == 3)
        for index in 0..<4 { writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon + 1_000 + Int64(index)) }
        #expect(writer.flush())
        writer.close()
        let rows = try QueryLogReader(path: directory.database).entries()
        #expect(rows.map(\.count) == [4, 3])
        #expect(rows.map(\.milliseconds) == [LogFixtures.noon + 1_000, LogFixtures.noon])
    }

    @Test func retentionTakesACoalescedRowsQueriesOffTheTotals() throws {
        let directory = TemporaryDirectory()
        let day: Int64 = 86_400_000
        let now = Atomic<Int64>(LogFixtures.noon - 3 * day)
        // Short windows (the fixture's 20 ms): retention runs between batches.
        var settings = LogFixtures.settings(clock: { now.load(ordering: .relaxed) })
        settings.maxAge = .seconds(86_400)
        settings.pruneInterval = .milliseconds(10)
        let writer = LogFixtures.writer(directory, settings)
        for index in 0..<6 { writer.record(try LogFixtures.entry(decision: LogFixtures.blocked()), atMilliseconds: LogFixtures.noon - 3 * day + Int64(index)) }
        #expect(writer.flush())
        now.store(LogFixtures.noon, ordering: .relaxed)
        for index in 0..<2 { writer.record(try LogFixtures.entry(decision: LogFixtures.blocked()), atMilliseconds: LogFixtures.noon + Int64(index)) }
        #expect(writer.flush())
        #expect(eventually { writer.counters.pruned == 6 })
        writer.close()
        let reader = try QueryLogReader(path: directory.database)
        #expect(try reader.count() == 2)
        let app = try #require(try reader.apps().first)
        #expect(app.queries == 2 && app.blocked == 2)
    }

    @Test func aVersion1DatabaseIsMigratedAndItsRowsCountOne() throws {
        let directory = TemporaryDirectory()
        // A v1 file with one row, as the previous version wrote it.
        let queue = try DatabaseQueue(path: directory.database)
        try QueryLogSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO apps(id, key) VALUES (1, 'old.service')")
            try db.execute(sql: "INSERT INTO domains(id, domain) VALUES (1, 'example.com')")
            try db.execute(sql: "INSERT INTO names(id, name, domain_id, last_seen) VALUES (1, 'old.example.com', 1, ?)", arguments: [LogFixtures.noon])
            try db.execute(sql: "INSERT INTO sources(id, source) VALUES (1, 'cache')")
            try db.execute(sql: """
                INSERT INTO queries(id, app_id, process_id, name_id, domain_id, qtype, rcode, decision, source_id, latency_us, flags)
                VALUES (?, 1, 0, 1, 1, 1, 0, 1, 1, 5, 2)
                """, arguments: [QueryID.first(atMilliseconds: LogFixtures.noon - 1)])
        }
        try queue.close()
        let writer = Self.flushOnlyWriter(directory)
        writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon)
        writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon + 1)
        writer.close()
        let reader = try QueryLogReader(path: directory.database)
        let rows = try reader.entries()
        #expect(rows.map(\.name) == ["www.example.com", "old.example.com"])
        #expect(rows.map(\.count) == [2, 1])
        #expect(LogRecord(rows[1]).count == 1 && LogRecord(rows[1]).lastMs == nil)
        let applied = try DatabaseQueue(path: directory.database).read { db in try QueryLogSchema.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1", "v2"])
    }
}
