import Foundation

/// A point in time as the CLI's `--since`/`--until` take it: a duration
/// back from now (`90s`, `10m`, `2h`, `7d`, `2w`), `now`, `today`,
/// `yesterday` (local midnight), an ISO date (`2026-11-25`, local midnight)
/// or date and time (`2026-11-25T14:30`, `2026-11-25 14:30:05`, with an
/// optional `Z` or `+01:00`; local time without one).
public struct TimeExpression: Sendable, Hashable, CustomStringConvertible {
    /// As written.
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// The time in ms since the epoch, relative to `now` (ms) in `timeZone`;
    /// throws a message naming the accepted forms when `text` is none of them.
    public func milliseconds(now: Int64, timeZone: TimeZone = .current) throws(TimeExpressionError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let nowDate = Date(timeIntervalSince1970: Double(now) / 1_000)
        switch trimmed {
        case "now": return now
        case "today": return Self.ms(calendar.startOfDay(for: nowDate))
        case "yesterday":
            let today = calendar.startOfDay(for: nowDate)
            return Self.ms(calendar.date(byAdding: .day, value: -1, to: today) ?? today)
        default: break
        }
        if let back = Self.duration(trimmed) { return now - back }
        if let date = Self.isoDate(text.trimmingCharacters(in: .whitespaces), calendar: calendar) { return Self.ms(date) }
        throw TimeExpressionError(text: text)
    }

    /// "10m" → 600,000 ms; units s, m, h, d, w.
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1_000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        case "w": scale = 7 * 86_400_000
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// YYYY-MM-DD[(T| )HH:MM[:SS]][Z|±HH:MM].
    static func isoDate(_ text: String, calendar: Calendar) -> Date? {
        let scalars = Array(text.utf8)
        var position = 0
        func number(_ digits: Int) -> Int? {
            guard position + digits <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[position..<position + digits] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += digits
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard position < scalars.count, scalars[position] == character.asciiValue else { return false }
            position += 1
            return true
        }
        var parts = DateComponents()
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        parts.year = year
        parts.month = month
        parts.day = day
        parts.hour = 0
        parts.minute = 0
        parts.second = 0
        if position < scalars.count {
            guard expect("T") || expect(" ") || expect("t"), let hour = number(2), expect(":"), let minute = number(2) else { return nil }
            parts.hour = hour
            parts.minute = minute
            if expect(":") {
                guard let second = number(2) else { return nil }
                parts.second = second
            }
        }
        var zoned = calendar
        if position < scalars.count {
            if expect("Z") || expect("z") {
                zoned.timeZone = TimeZone(identifier: "UTC")!
            } else {
                let sign: Int
                if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
                guard let hours = number(2) else { return nil }
                _ = expect(":")
                guard let minutes = number(2) else { return nil }
                guard let zone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60)) else { return nil }
                zoned.timeZone = zone
            }
        }
        guard position == scalars.count else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(parts.hour!), (0...59).contains(parts.minute!),
              (0...60).contains(parts.second!) else { return nil }
        guard let date = zoned.date(from: parts) else { return nil }
        // Calendar rolls 2026-02-30 over to March: refuse instead.
        guard zoned.component(.day, from: date) == day else { return nil }
        return date
    }

    private static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
}

/// A `--since`/`--until` value that is none of the accepted forms.
public struct TimeExpressionError: Error, Sendable, CustomStringConvertible {
    public var text: String

    public var description: String {
        "\"\(text)\": expected a duration back from now (90s, 10m, 2h, 7d, 2w), now, today, yesterday, "
            + "or an ISO date or time (2026-11-25, 2026-11-25T14:30[:05][Z|+01:00])"
    }
}
