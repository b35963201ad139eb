import Foundation
import GRDB
import Testing
@testable import QueryLog

/// The writer's bulk paths: rows in multi-row INSERTs (`BatchInserter.chunkRows`
/// at a time) and a new name by INSERT OR IGNORE.
@Suite struct ChunkedInsertTests {
    /// Three batches larger than a chunk; the third steps the clock back to
    /// 10 ms before the first, one millisecond per row, so its 11th row lands
    /// on the first's first id: the rows before it stay in, the rest go row
    /// by row to free ids.
    @Test func chunksThatLandOnUsedIdsAreWrittenRowByRow() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        let perBatch = BatchInserter.chunkRows * 2 + 5
        let earlier = LogFixtures.noon - 120_000
        let stamps: [@Sendable (Int) -> Int64] = [{ _ in earlier }, { _ in LogFixtures.noon }, { earlier - 10 + Int64($0) }]
        for (batch, stamp) in stamps.enumerated() {
            for index in 0..<perBatch {
                writer.record(try LogFixtures.entry("n\(batch)-\(index).example.com"), atMilliseconds: stamp(index))
            }
            #expect(writer.flush())
        }
        writer.close()
        #expect(writer.counters.written == UInt64(3 * perBatch))
        #expect(writer.counters.failed == 0)
        let queue = try DatabaseQueue(path: directory.database)
        let (count, distinctNames, names) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM queries"),
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT name_id) FROM queries"),
             try String.fetchAll(db, sql: "SELECT n.name FROM queries q JOIN names n ON n.id = q.name_id ORDER BY q.id"))
        }
        #expect(count == 3 * perBatch)
        #expect(distinctNames == 3 * perBatch)
        // Each row's name is the one it was logged with (binding offsets per row are right).
        #expect(Set(names).count == 3 * perBatch)
        #expect(names.filter { $0.hasPrefix("n0-") } == (0..<perBatch).map { "n0-\($0).example.com" })
        // The third batch's first ten rows come before the first batch's (earlier ids).
        #expect(names.prefix(10) == ArraySlice((0..<10).map { "n2-\($0).example.com" }))
        let totals = try QueryLogReader(path: directory.database).apps()
        #expect(totals.reduce(0) { $0 + $1.queries } == Int64(3 * perBatch))
    }

    /// A name stored by an earlier writer (not in the new one's memory) keeps its row and id.
    @Test func aNameAlreadyStoredKeepsItsRowAfterARestart() throws {
        let directory = TemporaryDirectory()
        let first = LogFixtures.writer(directory)
        first.record(try LogFixtures.entry("kept.example.com"), atMilliseconds: LogFixtures.noon)
        first.close()
        let second = LogFixtures.writer(directory)
        second.record(try LogFixtures.entry("kept.example.com"), atMilliseconds: LogFixtures.noon + 7_200_000)
        second.record(try LogFixtures.entry("new.example.com"), atMilliseconds: LogFixtures.noon + 7_200_000)
        second.close()
        let queue = try DatabaseQueue(path: directory.database)
        let (names, distinctNames, lastSeen) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM names"),
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT name_id) FROM queries"),
             try Int64.fetchOne(db, sql: "SELECT last_seen FROM names WHERE name = 'kept.example.com'"))
        }
        #expect(names == 2)
        #expect(distinctNames == 2)
        // The upsert noted the later use.
        #expect(lastSeen == LogFixtures.noon + 7_200_000)
    }
}
