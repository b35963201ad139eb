/// All profiles, and the choice of one for each app.
///
/// Selection: among the profiles whose `match` holds for the app, the one
/// with the highest `ProfileSpecificity` wins (more criteria beat fewer;
/// then an exact value beats a glob, a glob with more literal characters
/// beats one with fewer, any of them beats a user criterion; then unit >
/// executable > cgroup > user). Equally specific profiles that can match the
/// same app are found at load time (`ambiguities`, to be reported as
/// errors); any tie left at run time goes to the file name that sorts first
/// and is reported in `ProfileSelection.tiedWith`. No match (or no identity):
/// the default profile.
public struct ProfileSet: Sendable {
    /// The profiles with match criteria, sorted by name.
    public let profiles: [AppProfile]
    /// For apps no profile matches.
    public let defaultProfile: AppProfile
    /// Pairs of profiles that can match one app equally specifically.
    public let ambiguities: [ProfileAmbiguity]

    public init(profiles: [AppProfile], defaultProfile: AppProfile = .builtinDefault) {
        self.profiles = profiles.sorted { ($0.name, $0.file ?? "") < ($1.name, $1.file ?? "") }
        self.defaultProfile = defaultProfile
        self.ambiguities = Self.findAmbiguities(self.profiles)
    }

    /// The profile for `identity` (the default for nil: an unattributed query).
    public func select(for identity: AppIdentity?) -> AppProfile {
        selection(for: identity).profile
    }

    /// The profile for `identity`, with its specificity and any runtime tie.
    public func selection(for identity: AppIdentity?) -> ProfileSelection {
        guard let identity else { return ProfileSelection(profile: defaultProfile, specificity: nil, tiedWith: []) }
        if let exec = execSelection(for: identity) { return exec }
        var best: (index: Int, specificity: ProfileSpecificity)?
        var tied: [String] = []
        for index in profiles.indices {  // sorted by name: on a tie the first stays
            guard let specificity = profiles[index].match.specificity(for: identity) else { continue }
            if let current = best {
                if specificity > current.specificity {
                    best = (index, specificity)
                    tied = []
                } else if specificity == current.specificity {
                    tied.append(profiles[index].name)
                }
            } else {
                best = (index, specificity)
            }
        }
        guard let best else { return ProfileSelection(profile: defaultProfile, specificity: nil, tiedWith: []) }
        return ProfileSelection(profile: profiles[best.index], specificity: best.specificity, tiedWith: tied)
    }

    /// A `pinhole exec --app NAME` scope gets the profile named NAME, before
    /// any `[match]`: the user named it on the command line. Its specificity
    /// is that of an exact unit match.
    private func execSelection(for identity: AppIdentity) -> ProfileSelection? {
        guard let name = ExecScope.appName(of: identity), let profile = profiles.first(where: { $0.name == name }),
              let unit = identity.userUnit ?? identity.unit, let exact = try? Glob(unit)  // exec scope names hold no pattern characters
        else { return nil }
        return ProfileSelection(
            profile: profile, specificity: ProfileSpecificity([CriterionStrength(glob: exact, criterion: .unit)]), tiedWith: [])
    }

    private static func findAmbiguities(_ profiles: [AppProfile]) -> [ProfileAmbiguity] {
        let variants = profiles.map { $0.match.variants() }
        var result: [ProfileAmbiguity] = []
        for i in profiles.indices {
            for j in profiles.indices where j > i && !profiles[i].match.isEmpty
                && profiles[i].match.criteria == profiles[j].match.criteria
            {
                guard let left = variants[i], let right = variants[j] else { continue }
                let clash = left.lazy.flatMap { a in right.lazy.map { b in (a, b) } }.first { a, b in
                    a.specificity == b.specificity && a.overlaps(b)
                }
                if let (a, _) = clash {
                    result.append(
                        ProfileAmbiguity(
                            first: profiles[i].name, firstFile: profiles[i].file, second: profiles[j].name,
                            secondFile: profiles[j].file, specificity: a.specificity))
                }
            }
        }
        return result
    }
}
