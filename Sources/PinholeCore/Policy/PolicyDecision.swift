/// The policy's answer for one name and one app.
public struct PolicyDecision: Sendable, Hashable {
    public var allowed: Bool
    /// Name of the profile that applied ("default" when none matched).
    public var profile: String
    public var mode: PolicyMode
    public var reason: DecisionReason
    /// How to answer when blocked.
    public var reply: BlockReply
    /// Every rule that matched, strongest first: what `pinhole why` shows.
    public var considered: [RuleHit]
    /// Whether the profile blocks public names answered with internal addresses.
    public var guardsRebinding = true
    /// Whether the query log keeps this query (the profile's `log`).
    public var logged = true
    /// The profile's `interfaces` and `allow_cidrs`, which the pin stage
    /// hands to the kernel for the app's cgroup.
    public var network = AppNetworkRules.none

    public init(allowed: Bool, profile: String, mode: PolicyMode, reason: DecisionReason, reply: BlockReply, considered: [RuleHit]) {
        self.allowed = allowed
        self.profile = profile
        self.mode = mode
        self.reason = reason
        self.reply = reply
        self.considered = considered
    }
}
