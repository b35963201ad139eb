import Foundation
import PinholeCore
import Synchronization

/// The bounded hand-off between answering threads and the writer thread: a
/// ring under one lock. A full ring drops its oldest entry (the newest are
/// the ones a person looks at), and counts it.
final class EntryQueue: @unchecked Sendable {
    /// One entry and its wall-clock time (ms since the epoch), taken when it was queued.
    typealias Item = (entry: QueryLogEntry, milliseconds: Int64)

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ring: [Item?]
    private var head = 0
    private var count = 0
    private var wakeAt: Int
    private(set) var enqueued: UInt64 = 0
    private(set) var dropped: UInt64 = 0
    /// Entries taken by the writer and finished (written, failed or ignored).
    private(set) var finished: UInt64 = 0
    private var flushWanted = false
    private var closing = false
    /// `closing`, readable without the lock: `isEnabled` asks it on every answered query.
    private let closed = Atomic<Bool>(false)

    init(capacity: Int, wakeAt: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
        self.wakeAt = max(1, min(wakeAt, capacity))
    }

    /// Adds an entry; never waits for the writer.
    func push(_ entry: consuming QueryLogEntry, milliseconds: Int64) {
        condition.lock()
        if count == ring.count {
            ring[head] = nil
            head = (head + 1) % ring.count
            count -= 1
            dropped += 1
            // The dropped entry counts as handled, so flush() does not wait for it.
            finished += 1
        }
        ring[(head + count) % ring.count] = (entry, milliseconds)
        count += 1
        enqueued += 1
        // Wake the writer only when a batch is full: one futex wake per batch, not per query.
        let wake = count == wakeAt
        condition.unlock()
        if wake { condition.signal() }
    }

    /// Waits until a batch is full, `deadline` passed with something queued,
    /// a flush or close was asked for; then takes up to `limit` entries.
    /// `urgent`: a flush or close is waiting, so commit what was taken now.
    /// Returns nil once closed and empty.
    func take(limit: Int, deadline: Date) -> (items: [Item], urgent: Bool)? {
        condition.lock()
        defer { condition.unlock() }
        while count < wakeAt && !flushWanted && !closing {
            if !condition.wait(until: deadline) { break }
        }
        if count == 0 && closing { return nil }
        let urgent = flushWanted || closing
        let taken = min(limit, count)
        var items: [Item] = []
        items.reserveCapacity(taken)
        for _ in 0..<taken {
            // Moved out, not copied: a copy retains every string of the entry.
            items.append(ring[head].take()!)
            head = (head + 1) % ring.count
        }
        count -= taken
        if count == 0 { flushWanted = false }
        return (items, urgent)
    }

    /// Marks `number` taken entries as handled, waking `waitUntilDrained` callers.
    func finish(_ number: Int) {
        condition.lock()
        finished += UInt64(number)
        condition.unlock()
        condition.broadcast()
    }

    /// Blocks until everything queued before this call is handled, or `timeout` passed.
    /// Returns whether it was.
    func waitUntilDrained(timeout: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        flushWanted = true
        condition.broadcast()
        while finished < target {
            if !condition.wait(until: deadline) { return finished >= target }
        }
        return true
    }

    /// No more waiting for full batches: the writer drains what is left and stops.
    func close() {
        condition.lock()
        closing = true
        closed.store(true, ordering: .releasing)
        condition.unlock()
        condition.broadcast()
    }

    var isClosing: Bool {
        closed.load(ordering: .acquiring)
    }

    /// (queued now, enqueued, dropped) under the lock.
    var snapshot: (queued: Int, enqueued: UInt64, dropped: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        return (count, enqueued, dropped)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
