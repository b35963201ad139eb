import PinholeCore
import Synchronization

/// Counts answered and blocked queries for the STATUS= line, then passes
/// every entry on to the query log.
final class StatusCounters: QueryLogSink {
    private let next: any QueryLogSink
    private let answered = Atomic<UInt64>(0)
    private let blockedCount = Atomic<UInt64>(0)

    init(next: any QueryLogSink) {
        self.next = next
    }

    /// Always: the counts need every entry.
    var isEnabled: Bool { true }

    /// Queries answered since start.
    var queries: UInt64 { answered.load(ordering: .relaxed) }
    /// Of those, the ones the policy blocked.
    var blocked: UInt64 { blockedCount.load(ordering: .relaxed) }

    func record(_ entry: QueryLogEntry) {
        answered.add(1, ordering: .relaxed)
        if let decision = entry.decision, !decision.allowed { blockedCount.add(1, ordering: .relaxed) }
        if next.isEnabled { next.record(entry) }
    }

    /// "answering on 127.0.0.153:53; 1234 queries, 5 blocked".
    func statusLine(listen: String) -> String {
        let count = queries
        return "answering on \(listen); \(count) \(count == 1 ? "query" : "queries"), \(blocked) blocked"
    }
}
