import CLinux
import Glibc
import Synchronization

/// A small event loop on its own thread: descriptors watched for
/// readability with epoll, deadlines in a heap, and tasks from other
/// threads. pinholed runs its whole UDP data plane here (client listeners
/// and upstream queries), so a query costs a few system calls and no
/// thread hop.
///
/// Other threads talk to it only through `execute` (a locked inbox plus an
/// eventfd, written only when the reactor is asleep) and `shutdown`.
/// Everything else is for the reactor thread alone (`isCurrentThread`);
/// `@unchecked Sendable` rests on that.
public final class Reactor: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private let inbox = Mutex(Inbox())
    /// The reactor thread's pthread_t once it runs, 0 before.
    private let threadID = Atomic<UInt>(0)

    // Reactor thread only.
    private var timers = DeadlineHeap()
    /// What each watched descriptor belongs to, indexed by descriptor.
    private var watches: [Watch?] = []
    private var nextSequence: UInt32 = 0
    /// Work to run once the current round is over (`runAfterEvents`).
    private var deferred: [any ReactorDeferredWork] = []
    private var deferredNow: [any ReactorDeferredWork] = []

    private struct Inbox: ~Copyable {
        var tasks: [@Sendable () -> Void] = []
        /// The reactor is (about to be) in epoll_wait: a new task must wake it.
        var sleeping = false
        var stopping = false
    }

    /// A watched descriptor's handler, and a sequence number that tells it
    /// apart from an earlier descriptor with the same number (an epoll batch
    /// may still hold the old one's event).
    private struct Watch {
        var sequence: UInt32
        var handler: any ReactorReadable
    }

    /// epoll data of the wakeup eventfd; descriptor events carry sequence << 32 | fd.
    private static let wakeupToken = UInt64.max

    /// Starts a reactor thread named `name` (at most 15 bytes are kept).
    /// - Throws: `SystemCallError` when epoll, the eventfd or the thread cannot be created.
    public static func start(name: String) throws(SystemCallError) -> Reactor {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SystemCallError(call: "epoll_create1", target: "reactor \(name)", errno: errno) }
        let wakeup = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard wakeup >= 0 else {
            let error = SystemCallError(call: "eventfd", target: "reactor \(name)", errno: errno)
            close(epoll)
            throw error
        }
        let reactor = Reactor(epoll: epoll, wakeup: wakeup)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: wakeupToken))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0 else {
            throw SystemCallError(call: "epoll_ctl ADD", target: "reactor \(name) eventfd", errno: errno)
        }
        // The thread keeps the reactor alive until it has cleaned up.
        let start = Unmanaged.passRetained(Start(reactor: reactor, name: name)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            _ = pinhole_set_thread_name(String(decoding: start.name.utf8.prefix(15), as: UTF8.self))
            start.reactor.run()
            return nil
        }, start)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            throw SystemCallError(call: "pthread_create", target: "reactor \(name)", errno: status)
        }
        pthread_detach(thread)
        return reactor
    }

    /// What the new thread needs, passed through pthread_create's argument.
    private final class Start {
        let reactor: Reactor
        let name: String
        init(reactor: Reactor, name: String) {
            self.reactor = reactor
            self.name = name
        }
    }

    private init(epoll: Int32, wakeup: Int32) {
        self.epoll = epoll
        self.wakeup = wakeup
    }

    deinit {
        close(epoll)
        close(wakeup)
    }

    // MARK: - Any thread

    /// Whether the caller runs on the reactor thread (where everything but
    /// `execute` and `shutdown` must be called).
    public var isCurrentThread: Bool {
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Runs `task` on the reactor thread, after the tasks already queued.
    /// - Returns: false, dropping the task, once the reactor is stopping.
    @discardableResult
    public func execute(_ task: @escaping @Sendable () -> Void) -> Bool {
        let (accepted, wake) = inbox.withLock { inbox in
            guard !inbox.stopping else { return (false, false) }
            inbox.tasks.append(task)
            defer { inbox.sleeping = false }
            return (true, inbox.sleeping)
        }
        if wake { signal() }
        return accepted
    }

    /// Stops the thread after the tasks already queued: timers still
    /// scheduled get `reactorStopped()`. Watched descriptors stay open:
    /// their owners close them.
    public func shutdown() {
        inbox.withLock { $0.stopping = true }
        signal()
    }

    private func signal() {
        var one: UInt64 = 1
        // Cannot fail but for an overflowed counter, which still wakes the reactor.
        _ = write(wakeup, &one, MemoryLayout<UInt64>.size)
    }

    // MARK: - Reactor thread

    /// Calls `handler.readable()` whenever `descriptor` is readable, until
    /// `unwatch` (or until the descriptor is closed).
    /// - Throws: `SystemCallError` when epoll refuses the descriptor.
    public func watch(_ descriptor: Int32, _ handler: any ReactorReadable) throws(SystemCallError) {
        nextSequence &+= 1
        let data = UInt64(nextSequence) << 32 | UInt64(UInt32(bitPattern: descriptor))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: data))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            throw SystemCallError(call: "epoll_ctl ADD", target: "descriptor \(descriptor)", errno: errno)
        }
        let index = Int(descriptor)
        if index >= watches.count {
            watches.append(contentsOf: repeatElement(nil, count: max(index + 1 - watches.count, watches.count)))
        }
        watches[index] = Watch(sequence: nextSequence, handler: handler)
    }

    /// Forgets `descriptor`; the caller closes it, which removes it from epoll.
    public func unwatch(_ descriptor: Int32) {
        let index = Int(descriptor)
        if index < watches.count { watches[index] = nil }
    }

    /// Calls `timer.timerFired()` at `deadline` (monotonic ns, see `now()`)
    /// unless cancelled first; moves it when already scheduled.
    public func schedule(_ timer: any ReactorTimer, at deadline: UInt64) {
        timers.schedule(timer, at: deadline)
    }

    /// Unschedules `timer`; nothing when it is not scheduled.
    public func cancelTimer(_ timer: any ReactorTimer) {
        timers.remove(timer)
    }

    /// Calls `work.runAfterEvents()` once the current round of events,
    /// tasks and timers is handled, before the reactor waits again. The
    /// caller asks once per round (it keeps its own "already asked" flag).
    public func runAfterEvents(_ work: any ReactorDeferredWork) {
        deferred.append(work)
    }

    /// Monotonic nanoseconds, the clock of every deadline here.
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        let capacity = 128
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var tasks: [@Sendable () -> Void] = []
        while true {
            let stopping = inbox.withLock { inbox in
                swap(&tasks, &inbox.tasks)
                return inbox.stopping
            }
            for task in tasks { task() }
            tasks.removeAll(keepingCapacity: true)
            if stopping { break }

            let now = Self.now()
            while let due = timers.popDue(now: now) { due.timerFired() }

            // Deferred work may defer more (it may complete queries): run until none is left.
            while !deferred.isEmpty {
                swap(&deferred, &deferredNow)
                for work in deferredNow { work.runAfterEvents() }
                deferredNow.removeAll(keepingCapacity: true)
            }

            var timeout: Int32 = -1
            if let next = timers.firstDeadline {
                // Round up: waking a little late is fine, early would spin.
                let milliseconds = (next &- min(next, now) + 999_999) / 1_000_000
                timeout = Int32(min(milliseconds, 60_000))
            }
            let mustRun = inbox.withLock { inbox in
                if inbox.tasks.isEmpty && !inbox.stopping {
                    inbox.sleeping = true
                    return false
                }
                return true
            }
            let count = epoll_wait(epoll, events, Int32(capacity), mustRun ? 0 : timeout)
            if !mustRun { inbox.withLock { $0.sleeping = false } }
            guard count > 0 else { continue }  // timeout, or EINTR
            for index in 0..<Int(count) {
                let data = events[index].data.u64
                if data == Self.wakeupToken {
                    var value: UInt64 = 0
                    _ = read(wakeup, &value, MemoryLayout<UInt64>.size)
                    continue
                }
                let descriptor = Int(UInt32(truncatingIfNeeded: data))
                guard descriptor < watches.count, let watch = watches[descriptor],
                      watch.sequence == UInt32(truncatingIfNeeded: data >> 32)
                else { continue }
                watch.handler.readable()
            }
        }
        for timer in timers.removeAll() { timer.reactorStopped() }
        for work in deferred { work.runAfterEvents() }
        deferred.removeAll()
        watches.removeAll()
        threadID.store(0, ordering: .relaxed)
    }
}
