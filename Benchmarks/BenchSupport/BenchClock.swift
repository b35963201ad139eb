import Glibc

/// The clocks every benchmark reads: CLOCK_MONOTONIC for wall time and
/// CLOCK_PROCESS_CPUTIME_ID for what the whole process (all threads) spent.
public enum BenchClock {
    /// CLOCK_MONOTONIC, in nanoseconds.
    @inline(__always)
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// CPU time of the whole process (all threads), in nanoseconds: while a
    /// caller waits, what it adds is its background threads' work, whatever
    /// the machine's load does to the wall clock.
    public static func processCPU() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Median of `runs` timings of `body`, in milliseconds.
    public static func medianMilliseconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = now()
            try body()
            samples.append(Double(now() - start) / 1e6)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
