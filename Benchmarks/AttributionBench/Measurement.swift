/// The timed calls of one scenario: durations, how many completed on the
/// caller's thread, how many gave a wrong answer.
struct Measurement {
    var name: String
    /// What was measured, for the report's notes.
    var detail: String
    var goal: Goal?
    /// Durations in nanoseconds, sorted by `finish()`.
    private(set) var nanoseconds: [UInt64] = []
    /// Process CPU time per call in nanoseconds, sorted by `finish()`; empty
    /// where not measured.
    private(set) var cpuNanoseconds: [UInt64] = []
    /// Calls whose completion ran before `attribute` returned; nil where it does not apply.
    var synchronous: Int?
    /// Calls whose answer was not the expected socket or process.
    var wrong = 0
    /// Free-form remarks (pid wraps, slow rounds).
    var notes: [String] = []

    init(name: String, detail: String, goal: Goal? = nil, capacity: Int = 0) {
        self.name = name
        self.detail = detail
        self.goal = goal
        nanoseconds.reserveCapacity(capacity)
    }

    mutating func add(_ duration: UInt64, cpu: UInt64? = nil) {
        nanoseconds.append(duration)
        if let cpu { cpuNanoseconds.append(cpu) }
    }

    mutating func finish() {
        nanoseconds.sort()
        cpuNanoseconds.sort()
    }

    var count: Int { nanoseconds.count }

    /// The `q` quantile in microseconds (nearest rank over the sorted samples).
    func percentile(_ q: Double) -> Double { Self.percentile(q, of: nanoseconds) }

    /// The `q` quantile of the CPU time per call in microseconds; NaN when not measured.
    func cpuPercentile(_ q: Double) -> Double { Self.percentile(q, of: cpuNanoseconds) }

    private static func percentile(_ q: Double, of sorted: [UInt64]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((Double(sorted.count) * q).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1000
    }

    var maximum: Double { nanoseconds.last.map { Double($0) / 1000 } ?? .nan }

    /// Share of calls answered synchronously, nil where it does not apply.
    var synchronousFraction: Double? {
        guard let synchronous, count > 0 else { return nil }
        return Double(synchronous) / Double(count)
    }
}
