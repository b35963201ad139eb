import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A named thread that can be joined.
final class WriterThread: @unchecked Sendable {
    private let done = NSCondition()
    private var finished = false
    private var started = false

    /// Runs `body` on a new thread named "pinhole-qlog".
    func start(_ body: @escaping @Sendable () -> Void) {
        started = true
        let thread = Thread { [self] in
            // Named from inside: Foundation's Thread.name set before start
            // renamed the starting thread on Linux (seen with perf).
            Self.nameCurrentThread("pinhole-qlog")
            body()
            done.lock()
            finished = true
            done.unlock()
            done.broadcast()
        }
        thread.start()
    }

    /// Sets the calling thread's name (what ps and perf show) through
    /// /proc: Glibc's module has no pthread_setname_np, and prctl is variadic.
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = name.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    /// Waits until the body returned.
    func join() {
        guard started else { return }
        done.lock()
        while !finished { done.wait() }
        done.unlock()
    }
}
