import BenchSupport
import PinholeCore

/// Nanoseconds per lookup, each call timed on its own, sorted.
struct LookupTimes {
    var all: [UInt64] = []
    var hits: [UInt64] = []
    var misses: [UInt64] = []
    var contains: [UInt64] = []

    /// Times `match` (and `containsMatch`) for every query; type A.
    static func measure(_ set: DomainSet, _ queries: [PolicyName]) -> LookupTimes {
        var times = LookupTimes()
        times.all.reserveCapacity(queries.count)
        for query in queries.prefix(1000) { _ = set.match(name: query, type: 1) }  // warm-up
        for query in queries {
            let start = BenchClock.now()
            let found = set.match(name: query, type: 1)
            let elapsed = BenchClock.now() - start
            times.all.append(elapsed)
            if found.isEmpty { times.misses.append(elapsed) } else { times.hits.append(elapsed) }
        }
        // The walk without building results.
        var found = 0
        for query in queries {
            let start = BenchClock.now()
            if set.containsMatch(name: query, type: 1) { found += 1 }
            times.contains.append(BenchClock.now() - start)
        }
        precondition(found == times.hits.count, "containsMatch found \(found), match \(times.hits.count)")
        times.all.sort()
        times.hits.sort()
        times.misses.sort()
        times.contains.sort()
        return times
    }

    /// The value below which `fraction` of the sorted samples lie.
    static func percentile(_ sorted: [UInt64], _ fraction: Double) -> UInt64 {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}
