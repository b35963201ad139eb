import PinholeCore

/// One row about to be inserted: the window's first query of a `RepeatKey`
/// and what its repeats added.
struct PendingRow {
    /// The first query (kept for the interned fields; its repeats differ only in time and latency).
    var entry: QueryLogEntry
    var answer: AnswerFacts
    var count: Int64 = 1
    var first: Int64
    var last: Int64
    var latencyNanoseconds: UInt64

    init(entry: QueryLogEntry, answer: AnswerFacts, milliseconds: Int64) {
        self.entry = entry
        self.answer = answer
        first = milliseconds
        last = milliseconds
        latencyNanoseconds = entry.latencyNanoseconds
    }

    /// Counts one more query at `milliseconds`.
    mutating func add(milliseconds: Int64, latencyNanoseconds latency: UInt64) {
        count += 1
        last = max(last, milliseconds)
        latencyNanoseconds = max(latencyNanoseconds, latency)
    }
}
