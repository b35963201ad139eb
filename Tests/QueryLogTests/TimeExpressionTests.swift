import Foundation
import Testing
@testable import QueryLog

@Suite struct TimeExpressionTests {
    let now = LogFixtures.noon + 34_567  // 2026-11-26 12:00:34.567 UTC
    let utc = TimeZone(identifier: "UTC")!

    func at(_ text: String, _ zone: TimeZone? = nil) throws -> Int64 {
        try TimeExpression(text).milliseconds(now: now, timeZone: zone ?? utc)
    }

    @Test func durationsCountBackFromNow() throws {
        #expect(try at("90s") == now - 90_000)
        #expect(try at("10m") == now - 600_000)
        #expect(try at("2h") == now - 7_200_000)
        #expect(try at("7d") == now - 7 * 86_400_000)
        #expect(try at("2w") == now - 14 * 86_400_000)
        #expect(try at("now") == now)
    }

    @Test func todayAndYesterdayAreLocalMidnights() throws {
        #expect(try at("today") == LogFixtures.noon - 12 * 3_600_000)
        #expect(try at("Yesterday") == LogFixtures.noon - 36 * 3_600_000)
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(try at("today", berlin) == LogFixtures.noon - 13 * 3_600_000)
    }

    @Test func isoDatesAndTimes() throws {
        #expect(try at("2026-11-26") == LogFixtures.noon - 12 * 3_600_000)
        #expect(try at("2026-11-26T12:00") == LogFixtures.noon)
        #expect(try at("2026-11-26 12:00:05") == LogFixtures.noon + 5_000)
        #expect(try at("2026-11-26T13:00:00+01:00") == LogFixtures.noon)
        #expect(try at("2026-11-26T12:00Z", TimeZone(identifier: "Asia/Tokyo")) == LogFixtures.noon)
        #expect(try at("2026-11-26T12:00", TimeZone(identifier: "Asia/Tokyo")) == LogFixtures.noon - 9 * 3_600_000)
    }

    @Test func anythingElseIsRefusedWithTheFormsItTakes() {
        for bad in ["", "10", "10x", "-5m", "2026-13-01", "2026-02-30", "2026-11-26T25:00", "last week", "2026-11-26T12"] {
            #expect(throws: TimeExpressionError.self, "\(bad)") { try at(bad) }
        }
        #expect(TimeExpressionError(text: "x").description.contains("yesterday"))
    }
}
