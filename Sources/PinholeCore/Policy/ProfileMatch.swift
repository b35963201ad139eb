/// A profile's `[match]` table: which apps the profile is for.
///
/// Each criterion may list several alternatives (any one of them must
/// match); every criterion given must hold. No criteria at all: the default
/// profile's, which matches nothing by itself (it is used when no other does).
public struct ProfileMatch: Sendable {
    /// systemd unit or scope globs, tested against the identity's system
    /// unit and its user unit ("nginx.service", "app-flatpak-org.mozilla.firefox-*.scope").
    public var units: [Sourced<Glob>]
    /// Executable path, exact or glob ("/usr/lib/firefox/*").
    public var executables: [Sourced<Glob>]
    /// cgroup v2 path globs ("/system.slice/nginx.service", "/user.slice/*").
    public var cgroups: [Sourced<Glob>]
    /// uid or user name.
    public var users: [Sourced<UserMatch>]

    public init(
        units: [Sourced<Glob>] = [], executables: [Sourced<Glob>] = [], cgroups: [Sourced<Glob>] = [],
        users: [Sourced<UserMatch>] = []
    ) {
        self.units = units
        self.executables = executables
        self.cgroups = cgroups
        self.users = users
    }

    /// The kinds of criteria given.
    public var criteria: Set<MatchCriterion> {
        var result: Set<MatchCriterion> = []
        if !units.isEmpty { result.insert(.unit) }
        if !executables.isEmpty { result.insert(.executable) }
        if !cgroups.isEmpty { result.insert(.cgroup) }
        if !users.isEmpty { result.insert(.user) }
        return result
    }

    public var isEmpty: Bool { units.isEmpty && executables.isEmpty && cgroups.isEmpty && users.isEmpty }

    /// How specifically this matches `identity`, nil when it does not (or
    /// when there are no criteria). With several alternatives, the
    /// strongest one that matches counts.
    public func specificity(for identity: AppIdentity) -> ProfileSpecificity? {
        guard !isEmpty else { return nil }
        var strengths: [CriterionStrength] = []
        strengths.reserveCapacity(4)
        if !units.isEmpty {
            guard let unit = Self.strongest(units, .unit, identity.unit, identity.userUnit) else { return nil }
            strengths.append(unit)
        }
        if !executables.isEmpty {
            guard let executable = Self.strongest(executables, .executable, identity.executable, nil) else { return nil }
            strengths.append(executable)
        }
        if !cgroups.isEmpty {
            guard let cgroup = Self.strongest(cgroups, .cgroup, identity.cgroupPath, nil) else { return nil }
            strengths.append(cgroup)
        }
        if !users.isEmpty {
            guard let user = users.first(where: { $0.value.matches(identity) }) else { return nil }
            strengths.append(CriterionStrength(user: user.value))
        }
        return ProfileSpecificity(strengths)
    }

    /// The strongest alternative that matches either value; nil when none does.
    private static func strongest(
        _ globs: [Sourced<Glob>], _ criterion: MatchCriterion, _ first: String?, _ second: String?
    ) -> CriterionStrength? {
        var best: CriterionStrength?
        for index in globs.indices {
            let matched = (first.map { globs[index].value.matches($0) } ?? false)
                || (second.map { globs[index].value.matches($0) } ?? false)
            guard matched else { continue }
            let strength = CriterionStrength(glob: globs[index].value, criterion: criterion)
            if best.map({ strength > $0 }) ?? true { best = strength }
        }
        return best
    }

    /// One way the profile can match: an alternative per criterion.
    struct Variant {
        var globs: [MatchCriterion: Glob] = [:]
        var user: UserMatch?
        var specificity: ProfileSpecificity {
            ProfileSpecificity(
                globs.map { CriterionStrength(glob: $0.value, criterion: $0.key) } + (user.map { [CriterionStrength(user: $0)] } ?? []))
        }

        /// Whether one identity can satisfy both, as far as the patterns tell.
        func overlaps(_ other: Variant) -> Bool {
            guard Set(globs.keys) == Set(other.globs.keys), (user == nil) == (other.user == nil) else { return false }
            if let user, let otherUser = other.user, !user.overlaps(otherUser) { return false }
            return globs.allSatisfy { criterion, glob in other.globs[criterion].map(glob.overlaps) ?? false }
        }
    }

    /// Every combination of alternatives, at most `limit` (nil when there are more).
    func variants(limit: Int = 1024) -> [Variant]? {
        var result = [Variant()]
        let lists: [(MatchCriterion, [Glob])] = [
            (.unit, units.map(\.value)), (.executable, executables.map(\.value)), (.cgroup, cgroups.map(\.value)),
        ]
        for (criterion, globs) in lists where !globs.isEmpty {
            result = result.flatMap { variant in
                globs.map { glob in
                    var copy = variant
                    copy.globs[criterion] = glob
                    return copy
                }
            }
            if result.count > limit { return nil }
        }
        if !users.isEmpty {
            result = result.flatMap { variant in
                users.map { user in
                    var copy = variant
                    copy.user = user.value
                    return copy
                }
            }
        }
        return result.count > limit ? nil : result
    }
}
