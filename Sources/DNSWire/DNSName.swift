/// Conversions between presentation ("www.example.com.") and wire forms.
public enum DNSName {
    /// Wire form of a presentation name (trailing dot optional, `\.` and
    /// `\DDD` escapes accepted), ASCII-lowercased when `lowercase` is set.
    public static func wire(fromText text: String, lowercase: Bool = true) throws(DNSNameError) -> [UInt8] {
        fatalError("not yet implemented")
    }

    /// Presentation form of an uncompressed wire name, with a trailing dot;
    /// the root is ".". Bytes outside printable ASCII, dots and backslashes
    /// inside labels are escaped.
    public static func text(fromWire wire: [UInt8]) -> String {
        fatalError("not yet implemented")
    }
}
