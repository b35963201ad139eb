/// A compiled policy: profiles, lists and settings, immutable. A reload
/// builds a new one and swaps it in (`PolicyStore`), so no query ever sees
/// half of a policy.
public protocol PolicyEvaluator: Sendable {
    /// The decision for `name` of type `type` asked by `app` (nil: the app
    /// is unknown).
    func decide(app: AppIdentity?, name: PolicyName, type: UInt16) -> PolicyDecision
    /// TTL of the addresses in a blocked answer.
    var blockTTL: UInt32 { get }
}
