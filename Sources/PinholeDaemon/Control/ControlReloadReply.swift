/// The reply to `{"op":"reload"}` when the new policy is in force.
public struct ControlReloadReply: Sendable, Codable, Equatable {
    /// Profiles loaded (the default profile not counted).
    public var profiles: Int
    /// The names of the lists loaded.
    public var lists: [String]
    /// What did not stop loading (rejected list lines…).
    public var warnings: [String]

    public init(profiles: Int, lists: [String], warnings: [String]) {
        self.profiles = profiles
        self.lists = lists
        self.warnings = warnings
    }

    /// "reloaded: 4 profiles, 2 lists (ads, trackers)".
    public var summary: String {
        "\(profiles) profile\(profiles == 1 ? "" : "s"), \(lists.count) list\(lists.count == 1 ? "" : "s")"
            + (lists.isEmpty ? "" : " (\(lists.joined(separator: ", ")))")
    }
}
