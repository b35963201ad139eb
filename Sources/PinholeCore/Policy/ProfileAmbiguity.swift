/// Two profiles that can match the same app equally specifically: a
/// configuration error, reported at load time.
public struct ProfileAmbiguity: Sendable, CustomStringConvertible {
    /// The profile whose file name sorts first (the one that would win).
    public let first: String
    public let firstFile: String?
    public let second: String
    public let secondFile: String?
    public let specificity: ProfileSpecificity

    public var description: String {
        "profiles \"\(first)\" (\(firstFile ?? "built-in")) and \"\(second)\" (\(secondFile ?? "built-in")) "
            + "can match the same app equally specifically (\(specificity)); make one narrower"
    }
}
