/// The reply to `allow`, `deny` and `mode` when the profile says so now.
public struct ControlEditReply: Sendable, Codable, Equatable {
    /// The sentence for people: "firefox: allowed example.com (/etc/pinhole/apps.d/firefox.toml line 12); reloaded".
    public var message: String
    /// The profile file.
    public var file: String
    /// The line of the rule or mode in `file`.
    public var line: Int
    /// False when the profile already said so (nothing written, no reload).
    public var changed: Bool
    /// True when the profile file was created for a unit.
    public var created: Bool
    /// The policy now in force, when it was reloaded.
    public var reload: ControlReloadReply?

    public init(message: String, file: String, line: Int, changed: Bool, created: Bool, reload: ControlReloadReply?) {
        self.message = message
        self.file = file
        self.line = line
        self.changed = changed
        self.created = created
        self.reload = reload
    }
}
