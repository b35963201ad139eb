import Foundation
import GRDB
import PinholeCore
import Synchronization
import Testing
@testable import QueryLog

/// Errors handed to `onError`, for counting.
final class ErrorLog: Sendable {
    private let errors = Mutex<[QueryLogError]>([])
    func append(_ error: QueryLogError) { errors.withLock { $0.append(error) } }
    var all: [QueryLogError] { errors.withLock { $0 } }
}

@Suite struct FailureTests {
    /// Tests run as root, who may write anywhere a mode bit forbids: these
    /// use paths no one can write (under /proc), a file that is no
    /// database, and a page limit that fills the "disk".
    @Test func anUnwritablePathCountsFailuresAndWarnsOnce() throws {
        let errors = ErrorLog()
        var settings = LogFixtures.settings()
        settings.onError = { errors.append($0) }
        let writer = QueryLogWriter(path: "/proc/self/no-such-dir/queries.sqlite", settings: settings, registrableDomain: LogFixtures.lastTwoLabels)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<1_000 { writer.record(try LogFixtures.entry("n\(index).example.com")) }
        #expect(DispatchTime.now().uptimeNanoseconds - start < 1_000_000_000)
        writer.close()
        #expect(writer.counters.failed == 1_000)
        #expect(writer.counters.written == 0)
        #expect(errors.all.count == 1)
        #expect(errors.all.first?.description.contains("/proc/self/no-such-dir") == true)
    }

    @Test func aFileThatIsNoDatabaseCountsFailures() throws {
        let directory = TemporaryDirectory()
        try Data(repeating: 0x5A, count: 8_192).write(to: URL(fileURLWithPath: directory.database))
        let errors = ErrorLog()
        var settings = LogFixtures.settings()
        settings.onError = { errors.append($0) }
        let writer = LogFixtures.writer(directory, settings)
        for _ in 0..<10 { writer.record(try LogFixtures.entry()) }
        writer.close()
        #expect(writer.counters.failed == 10)
        #expect(errors.all.count == 1)
    }

    @Test func aFullDiskCountsTheBatchesItCannotWriteAndKeepsWhatItWrote() throws {
        let directory = TemporaryDirectory()
        let errors = ErrorLog()
        var settings = LogFixtures.settings()
        settings.onError = { errors.append($0) }
        settings.maxBytes = nil
        settings.maxAge = nil
        settings.batchSize = 200
        // SQLite's page limit stands in for a full disk (SQLITE_FULL either way).
        let writer = QueryLogWriter(path: directory.database, settings: settings, registrableDomain: LogFixtures.lastTwoLabels) { db in
            try db.execute(sql: "PRAGMA max_page_count = 40")
        }
        // Distinct names fill 40 pages quickly; batches of 200 (flushed one by one) fit until then.
        for index in 0..<20_000 {
            writer.record(try LogFixtures.entry("name-number-\(index).example\(index % 500).com"), atMilliseconds: LogFixtures.noon + Int64(index))
            if index % 200 == 199 { writer.flush() }
        }
        let counters = writer.counters
        #expect(counters.failed > 0)
        #expect(counters.written > 0)
        #expect(counters.written + counters.failed + counters.dropped == 20_000)
        // Reported once per failing spell: a smaller batch that still fits ends a
        // spell (timing decides how batches group), so fewer reports than failed batches.
        #expect(!errors.all.isEmpty && errors.all.allSatisfy { $0.message.contains("full") }, "\(errors.all)")
        #expect(errors.all.count < max(2, Int(counters.failed) / 200), "\(errors.all.count) reports, \(counters.failed) lost")
        writer.close()
        #expect(try QueryLogReader(path: directory.database).count() == Int(counters.written))
    }

    @Test func aReaderOfAMissingFileSaysWhichFile() {
        #expect(throws: QueryLogError.self) { try QueryLogReader(path: "/nonexistent/queries.sqlite") }
        do {
            _ = try QueryLogReader(path: "/nonexistent/queries.sqlite")
        } catch {
            #expect(error.description.contains("/nonexistent/queries.sqlite"))
        }
    }
}
