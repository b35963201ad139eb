import Foundation

/// Times as the tables show them: local time, to the second.
public enum TimeText {
    /// "13:00:05" for a time on the day of `now`, else "11-26 13:00:05"
    /// (local time): short enough for an 80-column table.
    public static func short(_ milliseconds: Int64, now: Int64, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let sameDay = calendar.isDate(date(milliseconds), inSameDayAs: date(now))
        return format(milliseconds, sameDay ? "HH:mm:ss" : "MM-dd HH:mm:ss", timeZone)
    }

    private static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }

    /// "2026-11-26 13:00" (local time).
    public static func minutes(_ milliseconds: Int64, timeZone: TimeZone = .current) -> String {
        format(milliseconds, "yyyy-MM-dd HH:mm", timeZone)
    }

    private static func format(_ milliseconds: Int64, _ pattern: String, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
    }
}
