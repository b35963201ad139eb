import Foundation

/// Times as the tables show them: local time, to the second.
public enum TimeText {
    /// "11-26 13:00:05" (local time), short enough for an 80-column table.
    public static func short(_ milliseconds: Int64, timeZone: TimeZone = .current) -> String {
        format(milliseconds, "MM-dd HH:mm:ss", timeZone)
    }

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
