/// What `GovernRule` decides for one cgroup, from one profile selection:
/// whether it is governed, and the selected profile's network rules, so
/// the cgroup watcher applies rules of the same profile it governed by.
public struct GovernDecision: Sendable, Hashable {
    public var verdict: GovernVerdict
    /// The selected profile's `interfaces` and `allow_cidrs` (whatever its
    /// mode, as at a query); `.none` with `.needsProcess`, where no profile
    /// is selected yet.
    public var rules: AppNetworkRules

    public init(verdict: GovernVerdict, rules: AppNetworkRules) {
        self.verdict = verdict
        self.rules = rules
    }

    /// Undecided until a process in the cgroup can be read.
    public static let needsProcess = GovernDecision(verdict: .needsProcess, rules: .none)
}
