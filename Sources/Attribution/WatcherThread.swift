import Foundation
import CLinux
import Glibc

/// The thread of a watcher that polls its own descriptor: started once,
/// stopped (idempotently) by writing to `wakeDescriptor`, an eventfd the
/// body polls beside its own and returns on. `stop` returns once the body
/// has, so a watcher's handler is never called after it.
final class WatcherThread: @unchecked Sendable {
    /// Poll this with POLLIN beside the watched descriptor; readable: return.
    let wakeDescriptor: Int32
    private let name: String
    private let lock = NSLock()
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    /// - Throws: the eventfd failure, naming `name`.
    init(name: String) throws(ProcessReadError) {
        let wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wake >= 0 else { throw ProcessReadError(path: "eventfd for \(name)", errno: errno) }
        wakeDescriptor = wake
        self.name = name
    }

    deinit {
        stop()
        close(wakeDescriptor)
    }

    /// Runs `body` on a new thread named after the watcher.
    func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [finished] in
            body()
            finished.signal()
        }
        thread.name = name
        lock.withLock { self.thread = thread }
        thread.start()
    }

    /// Wakes the body and waits until it has returned; a no-op when not running.
    func stop() {
        guard lock.withLock({ () -> Thread? in
            let running = thread
            thread = nil
            return running
        }) != nil else { return }
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
        finished.wait()
    }
}
