/// What a profile does with names no rule of it names.
public enum PolicyMode: String, Sendable, Hashable, CaseIterable {
    /// Only what the profile allows; everything else is blocked.
    case enforce
    /// Everything but what the lists and the profile's `deny` block.
    case blockListed = "block-listed"
    /// Everything is allowed (and recorded, for `pinhole suggest`).
    case learn
    /// The app's own registrable domains (`vendor`) and `allow`; every other
    /// registrable domain is blocked.
    case firstParty = "first-party"
    /// No policy at all for this app: not even the lists apply.
    case off

    /// "enforce, block-listed, learn, first-party, off", for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
