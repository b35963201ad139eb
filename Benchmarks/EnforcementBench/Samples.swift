import BenchSupport
import Glibc
import Synchronization

/// Durations of one scenario, in nanoseconds.
struct Samples {
    let name: String
    var goal: String = ""
    private(set) var values: [UInt64] = []

    init(_ name: String, goal: String = "", capacity: Int = 0) {
        self.name = name
        self.goal = goal
        values.reserveCapacity(capacity)
    }

    mutating func add(_ nanoseconds: UInt64) { values.append(nanoseconds) }
    mutating func add(contentsOf more: [UInt64]) { values += more }

    /// The `q` quantile in µs (nearest rank).
    func percentile(_ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((Double(sorted.count) * q).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1000
    }

    var mean: Double { values.isEmpty ? .nan : Double(values.reduce(0, +)) / Double(values.count) / 1000 }

    var row: String {
        func f(_ v: Double) -> String { String(format: "%9.2f", v) }
        return "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(format: "%8d", values.count)) \(f(percentile(0.5))) \(f(percentile(0.99))) \(f(mean))  \(goal)"
    }

    static let header = "\("scenario".padding(toLength: 52, withPad: " ", startingAt: 0)) \("n".leftPad(8)) \("p50 µs".leftPad(9)) \("p99 µs".leftPad(9)) \("mean µs".leftPad(9))  goal"
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// CLOCK_MONOTONIC in nanoseconds.
@inline(__always) func nowNanoseconds() -> UInt64 { BenchClock.now() }

/// A counter or timestamp closures on other threads can share.
final class Counter: Sendable {
    private let atomic = Atomic<UInt64>(0)
    func add(_ amount: UInt64 = 1) { atomic.add(amount, ordering: .relaxed) }
    func store(_ value: UInt64) { atomic.store(value, ordering: .releasing) }
    var value: UInt64 { atomic.load(ordering: .acquiring) }
}
