/// A target from the issue, in microseconds; nil bounds are not set.
struct Goal: Sendable {
    var p50: Double?
    var p99: Double?

    /// Whether `measurement` meets every set bound.
    func isMet(by measurement: Measurement) -> Bool {
        (p50.map { measurement.percentile(0.50) <= $0 } ?? true)
            && (p99.map { measurement.percentile(0.99) <= $0 } ?? true)
    }

    var description: String {
        [p50.map { "p50 ≤ \(Int($0))" }, p99.map { "p99 ≤ \(Int($0))" }].compactMap { $0 }.joined(separator: ", ")
    }
}
