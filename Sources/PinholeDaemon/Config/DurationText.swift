/// Durations as written in the config: "500ms", "2s", "10m", "1h", "1d",
/// or a plain integer number of seconds.
public enum DurationText {
    /// What `parse` accepts, for error messages.
    public static let expected =
        "a duration such as \"500ms\", \"2s\", \"10m\", \"1h\", \"1d\" or an integer number of seconds"

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses "NUMBER UNIT" (no spaces, integer number); nil when malformed or too large.
    public static func parse(_ text: String) -> Duration? {
        // "ms" before "m"/"s": longest suffix first.
        for (suffix, scale) in units.sorted(by: { $0.suffix.count > $1.suffix.count })
        where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard let count = parseCount(digits) else { return nil }
            let (ms, overflow) = count.multipliedReportingOverflow(by: scale)
            return overflow ? nil : .milliseconds(ms)
        }
        return nil
    }

    /// An integer number of seconds; nil when negative or too large.
    public static func seconds(_ value: Int) -> Duration? {
        guard value >= 0, value <= Int64.max / 1000 else { return nil }
        return .seconds(value)
    }

    /// Formats with the largest unit that divides the duration exactly ("800ms", "1d").
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard attoseconds % 1_000_000_000_000_000 == 0 else { return "\(duration)" }
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        for (suffix, scale) in units.reversed() where ms % scale == 0 && ms != 0 {
            return "\(ms / scale)\(suffix)"
        }
        return "0s"
    }

    private static func parseCount(_ digits: Substring) -> Int64? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }
}
