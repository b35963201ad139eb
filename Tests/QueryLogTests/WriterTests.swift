import Foundation
import GRDB
import PinholeCore
import Synchronization
import Testing
@testable import QueryLog

/// A gate the writer thread can be held at (through `shouldLog`).
final class Gate: Sendable {
    private let open = Atomic<Bool>(false)
    private let waiting = Atomic<Int>(0)

    func pass() {
        waiting.add(1, ordering: .relaxed)
        while !open.load(ordering: .acquiring) { usleep(1_000) }
        waiting.subtract(1, ordering: .relaxed)
    }

    var isHolding: Bool { waiting.load(ordering: .relaxed) > 0 }
    func release() { open.store(true, ordering: .releasing) }
}

@Suite struct WriterTests {
    @Test func aFullBatchCommitsWithoutWaitingForTheInterval() throws {
        let directory = TemporaryDirectory()
        var settings = LogFixtures.settings()
        settings.batchInterval = .seconds(3_600)
        settings.batchSize = 100
        let writer = LogFixtures.writer(directory, settings)
        defer { writer.close() }
        for index in 0..<99 { writer.record(try LogFixtures.entry("n\(index).example.com"), atMilliseconds: LogFixtures.noon + Int64(index)) }
        // One short of a batch: it waits for the interval (an hour here).
        usleep(200_000)
        #expect(writer.counters.written == 0)
        #expect(writer.counters.queued == 99)
        writer.record(try LogFixtures.entry("n99.example.com"), atMilliseconds: LogFixtures.noon + 99)
        #expect(eventually { writer.counters.written == 100 })
        writer.record(try LogFixtures.entry("n100.example.com"), atMilliseconds: LogFixtures.noon + 100)
        #expect(writer.flush())
        #expect(writer.counters.written == 101)
        #expect(writer.counters.queued == 0)
    }

    @Test func batchesCommitAfterTheIntervalWhenFewArrive() throws {
        let directory = TemporaryDirectory()
        var settings = LogFixtures.settings()
        settings.batchInterval = .milliseconds(50)
        let writer = LogFixtures.writer(directory, settings)
        defer { writer.close() }
        writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon)
        #expect(eventually { writer.counters.written == 1 })
    }

    @Test func aStalledWriterDropsTheOldestAndCountsThem() throws {
        let directory = TemporaryDirectory()
        let gate = Gate()
        var settings = LogFixtures.settings()
        settings.queueCapacity = 100
        settings.batchSize = 10
        settings.shouldLog = { _ in gate.pass(); return true }
        let writer = LogFixtures.writer(directory, settings)
        // The first batch holds the writer at the gate.
        for index in 0..<10 { writer.record(try LogFixtures.entry("first\(index).example.com"), atMilliseconds: LogFixtures.noon) }
        #expect(eventually { gate.isHolding })
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<1_000 {
            writer.record(try LogFixtures.entry("q\(index).example.com"), atMilliseconds: LogFixtures.noon + 1 + Int64(index))
        }
        let perRecord = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000
        // record never waited for the stalled writer (a generous bound for a debug build).
        #expect(perRecord < 200_000)
        #expect(writer.counters.dropped == 900)
        #expect(writer.counters.queued == 100)
        gate.release()
        writer.close()
        #expect(writer.counters.written == 110)
        let names = try QueryLogReader(path: directory.database).entries(limit: 200).map(\.name)
        // The newest 100 were kept, the oldest 900 of the burst dropped.
        #expect(names.first == "q999.example.com")
        #expect(names.contains("q900.example.com"))
        #expect(!names.contains("q899.example.com"))
    }

    @Test func ignoredNamesAppsAndOptOutsAreNotLoggedButCounted() throws {
        let directory = TemporaryDirectory()
        var settings = LogFixtures.settings()
        settings.ignoredNames = [try DomainPattern("*.local.test")]
        settings.ignoredApps = [try Glob("/usr/bin/curl")]
        settings.shouldLog = { $0.attribution.appKey != "opted-out.service" }
        let writer = LogFixtures.writer(directory, settings)
        writer.record(try LogFixtures.entry("local.test"), atMilliseconds: LogFixtures.noon)
        writer.record(try LogFixtures.entry("printer.local.test"), atMilliseconds: LogFixtures.noon)
        writer.record(try LogFixtures.entry(app: LogFixtures.identity(key: "/usr/bin/curl", executable: "/usr/bin/curl")), atMilliseconds: LogFixtures.noon)
        writer.record(try LogFixtures.entry(app: LogFixtures.identity(key: "opted-out.service")), atMilliseconds: LogFixtures.noon)
        writer.record(try LogFixtures.entry("kept.example.com"), atMilliseconds: LogFixtures.noon)
        writer.close()
        #expect(writer.counters.ignored == 4)
        #expect(writer.counters.written == 1)
        #expect(try QueryLogReader(path: directory.database).entries().map(\.name) == ["kept.example.com"])
    }

    @Test func idsStayInTimeOrderWithinOneMillisecondAndAfterTheClockStepsBack() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        for index in 0..<5 { writer.record(try LogFixtures.entry("same\(index).example.com"), atMilliseconds: LogFixtures.noon) }
        writer.flush()
        // A step back of an hour: logged at the clock's time, no id collides.
        writer.record(try LogFixtures.entry("earlier.example.com"), atMilliseconds: LogFixtures.noon - 3_600_000)
        writer.close()
        let rows = try QueryLogReader(path: directory.database).entries()
        #expect(rows.map(\.name) == ["same4.example.com", "same3.example.com", "same2.example.com", "same1.example.com", "same0.example.com", "earlier.example.com"])
        #expect(rows.prefix(5).allSatisfy { $0.milliseconds == LogFixtures.noon })
        #expect(rows.last?.milliseconds == LogFixtures.noon - 3_600_000)
    }

    @Test func theDatabaseFileIsNotWorldReadable() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        writer.record(try LogFixtures.entry(), atMilliseconds: LogFixtures.noon)
        writer.close()
        var status = stat()
        #expect(stat(directory.database, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o640)
    }
}
