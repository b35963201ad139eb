/// Which app cgroups are governed (their traffic enforced): the one rule
/// both the query pipeline (`PinStage`, at an app's first query) and the
/// cgroup watcher (when a cgroup appears, and on policy reload) apply;
/// the watcher's `decision` also carries the selected profile's network
/// rules, so it restricts the app by the same profile it governs it by.
///
/// - pinholed's own cgroup (and anything below it) never is.
/// - An app whose profile is `enforce` or `first-party` is.
/// - With `enforceUnprofiled`, so is every app without a profile (the
///   default profile), whatever the default profile's mode.
/// - An unprofiled app whose system or user unit matches an `exempt` glob
///   is not governed for being unprofiled ("sshd.service", "user@*.service");
///   a profile of its own in enforce mode still governs it.
public struct GovernRule: Sendable {
    public var enforceUnprofiled: Bool
    /// Unit globs exempt from governing for apps without a profile.
    public var exempt: [Glob]
    /// pinholed's own app cgroup (no leading slash), never governed.
    public var ownCgroup: String?

    public init(enforceUnprofiled: Bool = false, exempt: [Glob] = [], ownCgroup: String? = nil) {
        self.enforceUnprofiled = enforceUnprofiled
        self.exempt = exempt
        self.ownCgroup = ownCgroup
    }

    /// Whether the app in app cgroup `appCgroup` (no leading slash) with
    /// units `units`, whose profile has `mode` and is the default profile
    /// when `unprofiled`, is governed.
    public func governs(mode: PolicyMode, unprofiled: Bool, appCgroup: String, units: [String?]) -> Bool {
        let relative = appCgroup.split(separator: "/").joined(separator: "/")
        guard !relative.isEmpty else { return false }  // the root cgroup: nftables matches no socket there
        if let own = ownCgroup?.split(separator: "/").joined(separator: "/"), !own.isEmpty,
           relative == own || relative.hasPrefix(own + "/") {
            return false
        }
        if unprofiled, units.contains(where: { unit in unit.map { name in exempt.contains { $0.matches(name) } } ?? false }) {
            return false
        }
        return mode == .enforce || mode == .firstParty || (unprofiled && enforceUnprofiled)
    }

    /// The decision for the unit cgroup at `cgroupPath` (v2 path, leading
    /// slash) whose units are `unit` / `userUnit`, under `profiles`: the
    /// verdict and the network rules of the one profile selected. Without
    /// `process` (the identity of a process in it), a profile that could
    /// match only by executable or user makes it `.needsProcess`.
    public func decision(
        cgroupPath: String, unit: String?, userUnit: String?, profiles: ProfileSet, process: AppIdentity? = nil
    ) -> GovernDecision {
        let appCgroup = AppCgroup.path(cgroupPath: cgroupPath, unit: unit, userUnit: userUnit)
        let identity: AppIdentity
        if let process {
            identity = process
        } else {
            let execApp = (userUnit ?? unit).flatMap(ExecScope.appName(fromUnit:))
            let execProfile = execApp.map { name in profiles.profiles.contains { $0.name == name } } ?? false
            if !execProfile, profiles.profiles.contains(where: { Self.needsProcess($0.match, cgroupPath: cgroupPath, unit: unit, userUnit: userUnit) }) {
                return .needsProcess
            }
            // No profile looks at the executable or user here: a placeholder decides exactly.
            identity = AppIdentity(
                key: "", pid: 0, startTime: 0, executable: "", executableState: .present, commandLine: [], ancestors: [],
                uid: .max, userName: nil, cgroupPath: cgroupPath, unit: unit, userUnit: userUnit, slice: nil,
                flatpakID: nil, snapName: nil)
        }
        let selection = profiles.selection(for: identity)
        let governed = governs(
            mode: selection.profile.mode, unprofiled: selection.specificity == nil, appCgroup: appCgroup,
            units: [identity.unit, identity.userUnit])
        return GovernDecision(verdict: governed ? .govern : .leave, rules: AppNetworkRules(profile: selection.profile))
    }

    /// Whether any of `profiles` matches by executable or user and governs
    /// (`enforce`, `first-party`) or restricts (`interfaces`, `allow_cidrs`):
    /// only then can a process's exec add to a decision (the governor's exec
    /// watch, which governs and restricts but never lifts either).
    public static func decidesByProcess(_ profiles: ProfileSet) -> Bool {
        profiles.profiles.contains { profile in
            (!profile.match.executables.isEmpty || !profile.match.users.isEmpty)
                && (profile.mode == .enforce || profile.mode == .firstParty || !AppNetworkRules(profile: profile).isEmpty)
        }
    }

    /// Whether `match` looks at the executable or user and its unit and
    /// cgroup criteria (if any) hold for the cgroup.
    static func needsProcess(_ match: ProfileMatch, cgroupPath: String, unit: String?, userUnit: String?) -> Bool {
        guard !match.executables.isEmpty || !match.users.isEmpty else { return false }
        if !match.units.isEmpty {
            let hit = match.units.contains { glob in
                (unit.map(glob.value.matches) ?? false) || (userUnit.map(glob.value.matches) ?? false)
            }
            guard hit else { return false }
        }
        if !match.cgroups.isEmpty, !match.cgroups.contains(where: { $0.value.matches(cgroupPath) }) { return false }
        return true
    }
}
