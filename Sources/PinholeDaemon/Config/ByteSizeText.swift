/// Sizes as written in the config: "1GiB", "512MiB", "10MB", "4096B" or a
/// plain integer number of bytes.
public enum ByteSizeText {
    /// What `parse` accepts, for error messages.
    public static let expected = "a size such as \"1GiB\", \"500MiB\", \"2GB\" or an integer number of bytes"

    private static let units: [(suffix: String, bytes: Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
    ]

    /// Parses "NUMBER UNIT" (integer number, no spaces); nil when malformed or too large.
    public static func parse(_ text: String) -> Int64? {
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits) else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: scale)
            return overflow ? nil : bytes
        }
        return nil
    }

    /// With the largest binary unit that divides it exactly ("1GiB", "1000B").
    public static func format(_ bytes: Int64) -> String {
        for (suffix, scale) in units.prefix(4).reversed() where bytes % scale == 0 && bytes != 0 {
            return "\(bytes / scale)\(suffix)"
        }
        return "\(bytes)B"
    }
}
