import Foundation
import GRDB
import Testing
@testable import QueryLog

@Suite struct MigrationTests {
    @Test func anEmptyFileIsMigratedAndReopenedWithItsRows() throws {
        let directory = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.database, contents: Data())
        let first = LogFixtures.writer(directory)
        first.record(try LogFixtures.entry("one.example.com"), atMilliseconds: LogFixtures.noon)
        first.close()
        let second = LogFixtures.writer(directory)
        second.record(try LogFixtures.entry("two.example.com"), atMilliseconds: LogFixtures.noon + 1)
        second.close()
        let reader = try QueryLogReader(path: directory.database)
        #expect(try reader.entries().map(\.name) == ["two.example.com", "one.example.com"])
        #expect(try reader.apps().first?.queries == 2)
        let state = try DatabaseQueue(path: directory.database).read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try QueryLogSchema.migrator.appliedIdentifiers(db))
        }
        #expect(state.0 == "wal")
        #expect(state.1 == ["v1", "v2"])
    }

    @Test func aMissingDirectoryIsCreated() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/var/lib/pinhole/queries.sqlite"
        let writer = QueryLogWriter(path: path, settings: LogFixtures.settings(), registrableDomain: LogFixtures.lastTwoLabels)
        writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon)
        writer.close()
        #expect(writer.counters.written == 1)
        #expect(try QueryLogReader(path: path).count() == 1)
    }
}

@Suite struct ConcurrentReadTests {
    @Test func aReaderSeesFlushedRowsWhileTheWriterRuns() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        defer { writer.close() }
        writer.record(try LogFixtures.entry("first.example.com"), atMilliseconds: LogFixtures.noon)
        #expect(writer.flush())
        let reader = try QueryLogReader(path: directory.database)
        #expect(try reader.entries().map(\.name) == ["first.example.com"])
        writer.record(try LogFixtures.entry("second.example.com"), atMilliseconds: LogFixtures.noon + 1)
        #expect(writer.flush())
        #expect(try reader.entries().map(\.name) == ["second.example.com", "first.example.com"])
    }
}
