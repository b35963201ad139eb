import PinholeCore
import QueryLog
import Synchronization

/// The live stream behind `{"op":"follow"}`: a sink that copies every
/// answered query into each follower's bounded buffer. It never waits: a
/// follower that falls behind loses its oldest entries (counted).
final class QueryFollowers: QueryLogSink {
    private let followers = Mutex<[ObjectIdentifier: FollowSubscription]>([:])
    private let count = Atomic<Int>(0)
    private let droppedTotal = Atomic<UInt64>(0)

    init() {}

    /// Only while someone follows: otherwise the stage skips this sink.
    var isEnabled: Bool { count.load(ordering: .relaxed) > 0 }

    /// Followers connected now.
    var followerCount: Int { count.load(ordering: .relaxed) }

    /// Entries lost by slow followers since start (including those gone).
    var dropped: UInt64 {
        droppedTotal.load(ordering: .relaxed) + followers.withLock { $0.values.reduce(0) { $0 + $1.dropped } }
    }

    func record(_ entry: consuming QueryLogEntry) {
        let milliseconds = QueryLogSettings.wallClockMilliseconds()
        let current = followers.withLock { Array($0.values) }
        for follower in current { follower.push(entry, milliseconds: milliseconds) }
    }

    func add(_ subscription: FollowSubscription) {
        followers.withLock { $0[ObjectIdentifier(subscription)] = subscription }
        count.add(1, ordering: .relaxed)
    }

    func remove(_ subscription: FollowSubscription) {
        let removed = followers.withLock { $0.removeValue(forKey: ObjectIdentifier(subscription)) }
        guard removed != nil else { return }
        count.subtract(1, ordering: .relaxed)
        droppedTotal.add(subscription.dropped, ordering: .relaxed)
    }
}
