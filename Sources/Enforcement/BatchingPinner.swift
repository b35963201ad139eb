import Foundation
import PinholeCore

/// Pins for the query pipeline (`ReportingPinner.pin`) over a
/// `NetlinkPinner`; governing is `GovernedSet`'s. Addresses
/// already pinned with enough time left complete at once on the caller
/// (no syscall). The rest:
///
/// - when no batch is in flight (`inlineWhenIdle`, the default), are sent
///   at once on the calling thread, with whatever is queued: one netlink
///   transaction, ~6 µs, no thread wake-up (which cost 35 µs p50 / 100 µs
///   p99 on a loaded 2-core box, pinhole-enforcement-bench);
/// - while a batch is in flight, are queued; a dedicated thread sends
///   everything queued meanwhile as one batch and then runs those
///   completions. Concurrent pins so share one transaction.
///
/// The reply leaves only after the kernel has the pin (`completion` runs
/// after the batch's acks). A failed pin goes to `onFailure`; the answer
/// still leaves, and a governed app's connect then fails closed.
public final class BatchingPinner: @unchecked Sendable {
    private struct Request {
        let elements: [SetElement]
        let completion: @Sendable () -> Void
    }

    public let pinner: NetlinkPinner
    public let onFailure: @Sendable (NetlinkError) -> Void
    private let condition = NSCondition()
    private var queue: [Request] = []
    private var stopping = false
    /// A batch is being sent (by a caller or the pin thread): queue, do not send.
    private var busy = false
    private let inlineWhenIdle: Bool
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameter inlineWhenIdle: false: every pin goes through the pin
    ///   thread (kept to measure the difference).
    public init(_ pinner: NetlinkPinner, inlineWhenIdle: Bool = true, onFailure: @escaping @Sendable (NetlinkError) -> Void) {
        self.pinner = pinner
        self.inlineWhenIdle = inlineWhenIdle
        self.onFailure = onFailure
        let thread = Thread { [unowned(unsafe) self] in self.serve() }
        thread.name = "pinhole-pin"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    /// Pins `addresses` for `cgroupPath` for `seconds` (at least 1) and
    /// runs `completion` once the kernel has them, or at once when all are
    /// pinned with enough time left (`Pinner.pin`).
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
        let request = Request(elements: elements, completion: completion)
        guard inlineWhenIdle, !busy else {
            queue.append(request)
            condition.signal()
            condition.unlock()
            return
        }
        busy = true
        let batch = [request] + queue
        queue.removeAll(keepingCapacity: true)
        condition.unlock()
        send(batch)
    }

    /// Drops what is remembered about `cgroupPath` (it went away) and
    /// deletes its remembered pins from the kernel (`NetlinkPinner.forget`).
    public func forget(cgroupPath: String) {
        if let error = pinner.forget(cgroupPath: cgroupPath) { onFailure(error) }
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
            while (queue.isEmpty || busy) && !stopping { condition.wait() }
            if queue.isEmpty && !busy && stopping {
                condition.unlock()
                finished.signal()
                return
            }
            if busy {
                // Stopping while a caller sends: it wakes us when done.
                condition.wait()
                condition.unlock()
                continue
            }
            busy = true
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            send(batch)
        }
    }

    /// Sends `batch` as one transaction (the caller has set `busy`), clears
    /// `busy`, wakes the pin thread for what queued meanwhile, and runs the
    /// batch's completions.
    private func send(_ batch: [Request]) {
        do {
            try pinner.send(batch.count == 1 ? batch[0].elements : batch.flatMap(\.elements))
        } catch {
            onFailure(error)
        }
        condition.lock()
        busy = false
        condition.signal()
        condition.unlock()
        for request in batch { request.completion() }
    }
}
