import BenchSupport
import Dispatch
import Glibc
import PinholeCore
import Synchronization

/// Times one `attribute` call from the call until its completion has run:
/// a synchronous answer is done when `attribute` returns; an asynchronous
/// one is waited for on a semaphore, so the background hop counts.
final class TimedAttribution: Sendable {
    private struct Answer {
        var attribution: Attribution?
        var onCallerThread = false
    }

    private let resolver: any ProcessResolver
    private let done = DispatchSemaphore(value: 0)
    private let answer = Mutex(Answer())

    init(_ resolver: any ProcessResolver) { self.resolver = resolver }

    /// Wall-clock duration and process CPU time in nanoseconds, the answer,
    /// and whether the completion ran on the calling thread (the cached path).
    func run(_ request: AttributionRequest) -> (nanoseconds: UInt64, cpu: UInt64, attribution: Attribution, synchronous: Bool) {
        answer.withLock { $0 = Answer() }
        let caller = pthread_self()
        let cpuStart = BenchClock.processCPU()
        let start = BenchClock.now()
        resolver.attribute(request) { [self] attribution in
            let onCaller = pthread_equal(pthread_self(), caller) != 0
            answer.withLock { $0 = Answer(attribution: attribution, onCallerThread: onCaller) }
            done.signal()
        }
        done.wait()
        let end = BenchClock.now()
        let cpuEnd = BenchClock.processCPU()
        let result = answer.withLock { $0 }
        return (end - start, cpuEnd - cpuStart, result.attribution!, result.onCallerThread)
    }
}
