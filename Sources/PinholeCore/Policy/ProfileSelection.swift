/// Which profile applies to an app, and why.
public struct ProfileSelection: Sendable {
    public let profile: AppProfile
    /// How specifically it matched; nil for the default profile.
    public let specificity: ProfileSpecificity?
    /// Other profiles that matched exactly as specifically and lost only by
    /// file name (a runtime tie the loader could not see; worth reporting).
    public let tiedWith: [String]
}
