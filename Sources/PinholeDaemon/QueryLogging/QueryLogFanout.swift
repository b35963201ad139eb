import PinholeCore
import Synchronization

/// The pipeline's one sink: counts every answered query (for `status`) and
/// hands it to each enabled sink (the database writer, the live followers,
/// the per-query log line).
final class QueryLogFanout: QueryLogSink {
    private let sinks: [any QueryLogSink]
    private let answered = Atomic<UInt64>(0)
    private let blockedCount = Atomic<UInt64>(0)
    private let attributedCount = Atomic<UInt64>(0)
    private let unknownCount = Atomic<UInt64>(0)

    init(_ sinks: [any QueryLogSink]) {
        self.sinks = sinks
    }

    /// Always: the count of answered queries needs every one.
    var isEnabled: Bool { true }

    /// Queries answered since start.
    var queries: UInt64 { answered.load(ordering: .relaxed) }

    /// Queries a policy blocked.
    var blocked: UInt64 { blockedCount.load(ordering: .relaxed) }
    /// Queries attributed to a process.
    var attributed: UInt64 { attributedCount.load(ordering: .relaxed) }
    /// Queries attribution ran for but found no process (app `unknown`).
    var unknown: UInt64 { unknownCount.load(ordering: .relaxed) }

    func record(_ entry: consuming QueryLogEntry) {
        answered.add(1, ordering: .relaxed)
        if entry.decision?.allowed == false { blockedCount.add(1, ordering: .relaxed) }
        if let attribution = entry.request.attribution {
            if attribution.app != nil {
                attributedCount.add(1, ordering: .relaxed)
            } else if attribution.reason != .disabled {
                unknownCount.add(1, ordering: .relaxed)
            }
        }
        // The last enabled sink (usually the only one: the writer) takes the
        // entry itself; the others get copies.
        var last: (any QueryLogSink)?
        for sink in sinks where sink.isEnabled {
            if let earlier = last { earlier.record(copy entry) }
            last = sink
        }
        // Not `last?.record(entry)`: a conditional use copies the entry.
        guard let last else { return }
        last.record(entry)
    }

    /// sd_notify's STATUS=: "answering on 127.0.0.153:53; 1234 queries, 5 blocked".
    func statusLine(listen: String) -> String {
        let count = queries
        return "answering on \(listen); \(count) \(count == 1 ? "query" : "queries"), \(blocked) blocked"
    }
}
