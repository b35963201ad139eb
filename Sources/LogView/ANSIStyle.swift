/// The few ANSI SGR styles the CLI uses, applied only when colour is on.
public enum ANSIStyle: String, Sendable {
    case red = "31"
    case green = "32"
    case yellow = "33"
    case dim = "2"
    case bold = "1"

    /// `text` wrapped in this style and a reset when `enabled`, else `text`.
    public func apply(_ text: String, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }
}
