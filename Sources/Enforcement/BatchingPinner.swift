import Foundation
import PinholeCore
import Synchronization

/// The query pipeline's `Pinner` over a `NetlinkPinner`, off the calling
/// (reactor) thread: addresses already pinned with enough time left
/// complete at once on the caller (no syscall); the rest go to one
/// dedicated thread, which sends everything queued meanwhile as one
/// netlink batch and then runs the completions. Under load, concurrent
/// pins share one transaction (that is how 20,000 pins/s fit); idle, a
/// pin costs one batch plus a thread wake-up.
///
/// The reply leaves only after the kernel has the pin (`completion` runs
/// after the batch's acks). A failed pin goes to `onFailure`; the answer
/// still leaves, and a governed app's connect then fails closed.
public final class BatchingPinner: Pinner, @unchecked Sendable {
    private struct Request {
        let elements: [SetElement]
        let completion: @Sendable () -> Void
    }

    public let pinner: NetlinkPinner
    public let onFailure: @Sendable (NetlinkError) -> Void
    /// Cgroups already governed: a repeat costs a set lookup, not a netlink call.
    private let governed = Mutex<Set<String>>([])
    private let condition = NSCondition()
    private var queue: [Request] = []
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    public init(_ pinner: NetlinkPinner, onFailure: @escaping @Sendable (NetlinkError) -> Void) {
        self.pinner = pinner
        self.onFailure = onFailure
        let thread = Thread { [unowned(unsafe) self] in self.serve() }
        thread.name = "pinhole-pin"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    public func govern(cgroupPath: String) {
        guard governed.withLock({ $0.insert(cgroupPath).inserted }) else { return }
        do {
            try pinner.govern(cgroupPath: cgroupPath)
        } catch {
            governed.withLock { _ = $0.remove(cgroupPath) }
            onFailure(error)
        }
    }

    public func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) {
        let elements: [SetElement]
        do {
            elements = try pinner.unpinned(cgroupPath: cgroupPath, addresses: addresses, timeout: max(seconds, 1))
        } catch {
            onFailure(error)
            return completion()
        }
        guard !elements.isEmpty else { return completion() }
        condition.lock()
        guard !stopping else {
            condition.unlock()
            onFailure(NetlinkError(operation: "pin for \(cgroupPath)", errno: ECANCELED, detail: "the pinner is stopped"))
            return completion()
        }
        queue.append(Request(elements: elements, completion: completion))
        condition.signal()
        condition.unlock()
    }

    /// Drops what is remembered about `cgroupPath` (it went away).
    public func forget(cgroupPath: String) {
        governed.withLock { _ = $0.remove(cgroupPath) }
        pinner.forget(cgroupPath: cgroupPath)
    }

    /// Sends what is queued, runs its completions, and ends the thread.
    public func stop() {
        condition.lock()
        let wasRunning = !stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                finished.signal()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            do {
                try pinner.send(batch.flatMap(\.elements))
            } catch {
                onFailure(error)
            }
            for request in batch { request.completion() }
        }
    }
}
