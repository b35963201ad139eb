import Glibc
import PinholeCore
import Synchronization

/// The attributions of the last moment, per client socket tuple: a burst
/// from one socket (glibc sends A and AAAA back to back on one socket; a
/// busy client sends many) is looked up once.
///
/// Why this is as exact as asking the kernel again: a lookup already runs
/// after the datagram was sent, so it can never tell apart "the same socket"
/// from "a new socket that took the same port since". Reusing an answer for
/// `window` (a millisecond, about one batch of the UDP listener) widens that
/// window by that much, no more.
final class RecentAttributions: Sendable {
    private struct Key: Hashable {
        var transport: ClientTransport
        var client: ClientEndpoint
    }

    private struct Entry {
        var attribution: Attribution
        var expires: UInt64
    }

    private let windowNanoseconds: UInt64
    private let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    /// - Parameters:
    ///   - window: how long an answer is reused; zero turns reuse off.
    ///   - capacity: tuples remembered at most; when full, all are dropped
    ///     (they all expire within `window` anyway).
    init(window: Duration, capacity: Int = 4096) {
        let (seconds, attoseconds) = window.components
        windowNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000
        self.capacity = capacity
    }

    var isEnabled: Bool { windowNanoseconds > 0 }

    /// The attribution of `request`'s tuple if it was found within the window.
    func lookup(_ request: AttributionRequest) -> Attribution? {
        guard isEnabled else { return nil }
        let now = Self.now()
        return entries.withLock { entries in
            guard let entry = entries[Key(transport: request.transport, client: request.client)], entry.expires > now else {
                return nil
            }
            return entry.attribution
        }
    }

    /// Remembers a process attribution (never an unknown: those are retried).
    func remember(_ attribution: Attribution, for request: AttributionRequest) {
        guard isEnabled, attribution.app != nil else { return }
        let expires = Self.now() + windowNanoseconds
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(transport: request.transport, client: request.client)] = Entry(attribution: attribution, expires: expires)
        }
    }

    private static func now() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
