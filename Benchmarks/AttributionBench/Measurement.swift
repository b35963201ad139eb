/// The timed calls of one scenario: durations, how many completed on the
/// caller's thread, how many gave a wrong answer.
struct Measurement {
    var name: String
    /// What was measured, for the report's notes.
    var detail: String
    var goal: Goal?
    /// Durations in nanoseconds, sorted by `finish()`.
    private(set) var nanoseconds: [UInt64] = []
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

    mutating func add(_ duration: UInt64) { nanoseconds.append(duration) }

    mutating func finish() { nanoseconds.sort() }

    var count: Int { nanoseconds.count }

    /// The `q` quantile in microseconds (nearest rank over the sorted samples).
    func percentile(_ q: Double) -> Double {
        guard !nanoseconds.isEmpty else { return .nan }
        let rank = Int((Double(nanoseconds.count) * q).rounded(.up)) - 1
        return Double(nanoseconds[min(max(rank, 0), nanoseconds.count - 1)]) / 1000
    }

    var maximum: Double { nanoseconds.last.map { Double($0) / 1000 } ?? .nan }

    /// Share of calls answered synchronously, nil where it does not apply.
    var synchronousFraction: Double? {
        guard let synchronous, count > 0 else { return nil }
        return Double(synchronous) / Double(count)
    }
}
