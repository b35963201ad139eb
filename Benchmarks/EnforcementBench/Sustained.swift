import Enforcement
import Foundation
import PinholeCore
import Synchronization

/// `rate` new pins a second for `seconds`, each for one new address of one
/// of the bench's cgroups, issued on one thread paced by the clock (as a
/// reactor would issue them) through the `BatchingPinner`; then how many
/// completed, how many failed, and how many the kernel holds.
struct Sustained {
    let rate: Int
    let seconds: Int

    struct Outcome {
        var issued = 0
        var completed = 0
        var failed = 0
        var elapsed = 0.0
        var latency: Samples
    }

    func run(_ pinner: BatchingPinner, cgroups: [String], firstAddress: UInt32, failures: Counter) -> Outcome {
        let total = rate * seconds
        let issuedAt = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: total)
        let doneAt = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: total)
        defer { issuedAt.deallocate(); doneAt.deallocate() }
        doneAt.initialize(repeating: 0)
        let times = UncheckedPointers(issued: issuedAt, done: doneAt)
        let completed = Counter()
        let failedBefore = Int(failures.value)
        let start = nowNanoseconds()
        var issued = 0
        while issued < total {
            let due = min(total, Int(Double(nowNanoseconds() - start) / 1e9 * Double(rate)) + 1)
            while issued < due {
                let index = issued
                times.issued[index] = nowNanoseconds()
                pinner.pin([.v4(firstAddress &+ UInt32(index))], cgroupPath: cgroups[index % cgroups.count], seconds: 600) {
                    times.done[index] = nowNanoseconds()
                    completed.add()
                }
                issued += 1
            }
            usleep(200)
        }
        // Wait for the tail (bounded: 10 s).
        let deadline = nowNanoseconds() + 10_000_000_000
        while Int(completed.value) < total && nowNanoseconds() < deadline { usleep(1000) }
        var outcome = Outcome(latency: Samples("new pin under \(rate)/s for \(seconds) s (batching)", goal: "no loss", capacity: total))
        outcome.issued = issued
        outcome.completed = Int(completed.value)
        outcome.failed = Int(failures.value) - failedBefore
        outcome.elapsed = Double(nowNanoseconds() - start) / 1e9
        for index in 0..<total where times.done[index] != 0 { outcome.latency.add(times.done[index] - times.issued[index]) }
        return outcome
    }
}

/// Per-pin timestamps written by the issuing thread (issued) and the pin
/// thread (done), each slot by one writer, read after both are finished.
struct UncheckedPointers: @unchecked Sendable {
    let issued: UnsafeMutableBufferPointer<UInt64>
    let done: UnsafeMutableBufferPointer<UInt64>
}
