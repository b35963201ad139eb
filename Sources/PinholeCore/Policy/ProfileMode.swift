/// What a profile does with a name that no allow/deny rule of its own decides.
public enum ProfileMode: String, Sendable, Hashable, CaseIterable {
    /// Only what the profile allows (its `allow` rules; `vendor` domains are not implied).
    case enforce
    /// Everything except what its lists and `deny` rules block.
    case blockListed = "block-listed"
    /// Everything, recorded, so a profile can be written from the log later.
    case learn
    /// No policy at all for this app: every name is answered.
    case off
    /// The app's own domains (registrable domain in `vendor`) and `allow`
    /// rules; every other registrable domain is denied.
    case firstParty = "first-party"

    /// "enforce, block-listed, learn, off, first-party", for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
