import Foundation

/// A named thread that can be joined.
final class WriterThread: @unchecked Sendable {
    private let done = NSCondition()
    private var finished = false
    private var started = false

    /// Runs `body` on a new thread named "pinhole-querylog".
    func start(_ body: @escaping @Sendable () -> Void) {
        started = true
        let thread = Thread { [self] in
            body()
            done.lock()
            finished = true
            done.unlock()
            done.broadcast()
        }
        thread.name = "pinhole-querylog"
        thread.start()
    }

    /// Waits until the body returned.
    func join() {
        guard started else { return }
        done.lock()
        while !finished { done.wait() }
        done.unlock()
    }
}
