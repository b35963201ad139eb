import Synchronization

/// The policy in force, swapped whole on reload.
public final class PolicyStore: Sendable {
    private let policy: Mutex<any PolicyEvaluator>

    public init(_ policy: any PolicyEvaluator) {
        self.policy = Mutex(policy)
    }

    /// The policy for one query; a reload meanwhile does not change it.
    public var current: any PolicyEvaluator { policy.withLock { $0 } }

    /// Puts `newPolicy` in force for the queries that start from now on.
    public func replace(with newPolicy: any PolicyEvaluator) {
        policy.withLock { $0 = newPolicy }
    }
}
