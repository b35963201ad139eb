import PinholeCore
import Synchronization

/// The pipeline's one sink: counts every answered query (for `status`) and
/// hands it to each enabled sink (the database writer, the live followers,
/// the per-query log line).
final class QueryLogFanout: QueryLogSink {
    private let sinks: [any QueryLogSink]
    private let answered = Atomic<UInt64>(0)

    init(_ sinks: [any QueryLogSink]) {
        self.sinks = sinks
    }

    /// Always: the count of answered queries needs every one.
    var isEnabled: Bool { true }

    /// Queries answered since start.
    var queries: UInt64 { answered.load(ordering: .relaxed) }

    func record(_ entry: consuming QueryLogEntry) {
        answered.add(1, ordering: .relaxed)
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
}
