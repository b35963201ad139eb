import NIOCore
import PinholeCore
import Synchronization

/// One follower's bounded buffer between the answering threads and its
/// connection's event loop. `push` never blocks: past `capacity` the oldest
/// entry is dropped and counted; the event loop is woken once per drain.
final class FollowSubscription: Sendable {
    struct Pending: Sendable {
        var entry: QueryLogEntry
        var milliseconds: Int64
    }

    private struct State {
        var buffer: [Pending] = []
        var start = 0
        var dropped: UInt64 = 0
        var wakeScheduled = false
    }

    let capacity: Int
    private let state = Mutex(State())
    private let eventLoop: any EventLoop
    private let wake: @Sendable () -> Void

    /// `wake` runs on `eventLoop` after entries arrive into an empty buffer.
    init(capacity: Int, eventLoop: any EventLoop, wake: @escaping @Sendable () -> Void) {
        self.capacity = max(1, capacity)
        self.eventLoop = eventLoop
        self.wake = wake
    }

    /// Entries lost because the follower did not keep up.
    var dropped: UInt64 { state.withLock { $0.dropped } }

    func push(_ entry: QueryLogEntry, milliseconds: Int64) {
        let needsWake = state.withLock { state -> Bool in
            if state.buffer.count - state.start >= capacity {
                state.start += 1
                state.dropped += 1
            }
            // Compact now and then instead of removing from the front each time.
            if state.start > capacity {
                state.buffer.removeFirst(state.start)
                state.start = 0
            }
            state.buffer.append(Pending(entry: entry, milliseconds: milliseconds))
            guard !state.wakeScheduled else { return false }
            state.wakeScheduled = true
            return true
        }
        if needsWake { eventLoop.execute(wake) }
    }

    /// Up to `limit` of the oldest waiting entries; once empty the next push wakes again.
    func take(limit: Int) -> [Pending] {
        state.withLock { state in
            let available = state.buffer.count - state.start
            let count = min(limit, available)
            let taken = Array(state.buffer[state.start..<(state.start + count)])
            state.start += count
            if state.start == state.buffer.count {
                state.buffer.removeAll(keepingCapacity: true)
                state.start = 0
                state.wakeScheduled = false
            }
            return taken
        }
    }
}
