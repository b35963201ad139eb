import CLinux
import Glibc
import Synchronization

/// The thread that runs every upstream query: it owns the queries' state,
/// their UDP sockets (watched with epoll) and their timeouts (a deadline
/// heap), so a query's trip upstream costs a few system calls and no
/// channel, pipeline or future.
///
/// Other threads talk to it only through `execute` (a locked inbox plus an
/// eventfd, written only when the reactor is asleep). Everything else here
/// is for the reactor thread alone; `@unchecked Sendable` rests on that.
/// TCP attempts still use NIO, and their events hop here with `execute`.
final class UpstreamReactor: @unchecked Sendable {
    /// Shared scratch buffer for reading replies (the reactor reads one at a time).
    let receiveBuffer: UnsafeMutableRawBufferPointer

    private let epoll: Int32
    private let wakeup: Int32
    private let inbox = Mutex(Inbox())

    // Reactor thread only.
    private var timers = DeadlineHeap<UpstreamQuery>()
    /// What each watched descriptor belongs to, indexed by descriptor.
    private var watches: [Watch?] = []
    private var nextSequence: UInt32 = 0
    /// Unused bits of the last 64 drawn from the system generator (getrandom).
    private var randomPool: UInt64 = 0
    private var randomPoolCount = 0

    private struct Inbox: ~Copyable {
        var tasks: [@Sendable () -> Void] = []
        /// The reactor is (about to be) in epoll_wait: a new task must wake it.
        var sleeping = false
        var stopping = false
    }

    /// A watched socket: the query and attempt it serves, and a sequence
    /// number that tells it apart from an earlier socket with the same
    /// descriptor number (an epoll batch may still hold the old one's event).
    private struct Watch {
        var sequence: UInt32
        var query: UpstreamQuery
        var attempt: Int
    }

    /// epoll data of the wakeup eventfd; socket events carry sequence << 32 | fd.
    private static let wakeupToken = UInt64.max

    /// Starts a reactor thread.
    /// - Throws: `SystemCallError` when epoll, the eventfd or the thread cannot be created.
    static func start(receiveCapacity: Int) throws(SystemCallError) -> UpstreamReactor {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SystemCallError(call: "epoll_create1", target: "upstream reactor", errno: errno) }
        let wakeup = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard wakeup >= 0 else {
            let error = SystemCallError(call: "eventfd", target: "upstream reactor", errno: errno)
            close(epoll)
            throw error
        }
        let reactor = UpstreamReactor(epoll: epoll, wakeup: wakeup, receiveCapacity: receiveCapacity)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: wakeupToken))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0 else {
            throw SystemCallError(call: "epoll_ctl ADD", target: "upstream reactor eventfd", errno: errno)
        }
        // The thread keeps the reactor alive until it has cleaned up.
        let retained = Unmanaged.passRetained(reactor).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let reactor = Unmanaged<UpstreamReactor>.fromOpaque(argument!).takeRetainedValue()
            _ = pinhole_set_thread_name("pinhole-upstrm")
            reactor.run()
            return nil
        }, retained)
        guard status == 0 else {
            Unmanaged<UpstreamReactor>.fromOpaque(retained).release()
            throw SystemCallError(call: "pthread_create", target: "upstream reactor", errno: status)
        }
        pthread_detach(thread)
        return reactor
    }

    private init(epoll: Int32, wakeup: Int32, receiveCapacity: Int) {
        self.epoll = epoll
        self.wakeup = wakeup
        receiveBuffer = .allocate(byteCount: receiveCapacity, alignment: 16)
    }

    deinit {
        receiveBuffer.deallocate()
        close(epoll)
        close(wakeup)
    }

    // MARK: - Any thread

    /// Runs `task` on the reactor thread, after the tasks already queued.
    /// Dropped once the reactor has stopped.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wake = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.tasks.append(task)
            defer { inbox.sleeping = false }
            return inbox.sleeping
        }
        if wake { signal() }
    }

    /// Stops the thread: queries still in flight fail, their sockets close.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        signal()
    }

    private func signal() {
        var one: UInt64 = 1
        // Cannot fail but for an overflowed counter, which still wakes the reactor.
        _ = write(wakeup, &one, MemoryLayout<UInt64>.size)
    }

    // MARK: - Reactor thread

    /// Watches `socket` for replies to `query`'s `attempt`.
    func watch(_ descriptor: Int32, query: UpstreamQuery, attempt: Int) throws(SystemCallError) {
        nextSequence &+= 1
        let data = UInt64(nextSequence) << 32 | UInt64(UInt32(bitPattern: descriptor))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: data))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            throw SystemCallError(call: "epoll_ctl ADD", target: "upstream UDP socket", errno: errno)
        }
        let index = Int(descriptor)
        if index >= watches.count {
            watches.append(contentsOf: repeatElement(nil, count: max(index + 1 - watches.count, watches.count)))
        }
        watches[index] = Watch(sequence: nextSequence, query: query, attempt: attempt)
    }

    /// Forgets `descriptor`; the caller closes it, which removes it from epoll.
    func unwatch(_ descriptor: Int32) {
        let index = Int(descriptor)
        if index < watches.count { watches[index] = nil }
    }

    /// Calls `query.timerFired()` at `deadline` (monotonic ns) unless cancelled.
    func schedule(_ query: UpstreamQuery, at deadline: UInt64) {
        timers.schedule(query, at: deadline)
    }

    func cancelTimer(_ query: UpstreamQuery) {
        timers.remove(query)
    }

    /// A random query ID: 16 bits of the kernel's CSPRNG, four per getrandom call.
    func nextQueryID() -> UInt16 {
        if randomPoolCount == 0 {
            var generator = SystemRandomNumberGenerator()
            randomPool = generator.next()
            randomPoolCount = 4
        }
        let id = UInt16(truncatingIfNeeded: randomPool)
        randomPool >>= 16
        randomPoolCount -= 1
        return id
    }

    /// Monotonic nanoseconds, the clock of every deadline here.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private func run() {
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

            var timeout: Int32 = -1
            if let next = timers.first {
                // Round up: waking a little late is fine, early would spin.
                let milliseconds = (next.deadline &- min(next.deadline, now) + 999_999) / 1_000_000
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
                watch.query.socketReadable(attempt: watch.attempt)
            }
        }
        for query in timers.removeAll() {
            query.abandon(reason: "the forwarder was shut down")
        }
    }
}
