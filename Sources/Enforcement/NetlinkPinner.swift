import Foundation
import PinholeCore

/// Pins the addresses an app was answered with, over
/// raw netlink (`NetlinkSetWriter`), elements keyed by numeric cgroup id
/// (`CgroupIds`): no nft text, no path lookup by nft, correct on hybrid
/// hosts where cgroup2 is not at /sys/fs/cgroup.
///
/// Pins are remembered by (cgroup id, address) with the expiry this pinner
/// gave them, so an element pinned with enough time left costs a dictionary
/// lookup and no syscall. Thread-safe: one lock around the memory, one
/// around the socket.
public final class NetlinkPinner: @unchecked Sendable {
    private typealias PinKey = PinMemory.Key

    /// Path → cgroup id.
    public let ids: CgroupIds
    private let writer: NetlinkSetWriter
    private let writerLock = NSLock()
    private let now: @Sendable () -> Double
    private let refreshFraction: Double
    private let lock = NSLock()
    private var memory = PinMemory()

    /// Opens the netlink socket in the calling thread's network namespace.
    /// - Parameters:
    ///   - ids: path → id; nil: the cgroup2 mount of the calling thread.
    ///   - refreshFraction: a pinned element is sent again only when less
    ///     than this fraction of the requested timeout is left on it.
    ///   - now: monotonic seconds (tests pass their own clock).
    public init(
        ids: CgroupIds? = nil,
        refreshFraction: Double = 0.5,
        now: @escaping @Sendable () -> Double = NetlinkPinner.monotonicSeconds
    ) throws(NetlinkError) {
        precondition(refreshFraction > 0 && refreshFraction <= 1, "refreshFraction must be in (0, 1]")
        if let ids { self.ids = ids } else { self.ids = try CgroupIds() }
        self.writer = try NetlinkSetWriter()
        self.refreshFraction = refreshFraction
        self.now = now
    }

    /// Lets `cgroupPath` reach `addresses` for `timeout` seconds, in one
    /// transaction; addresses pinned with enough time left are skipped.
    /// Returns how many elements were sent (0: nothing to do, no syscall).
    @discardableResult
    public func pin(cgroupPath: String, addresses: [IPAddress], timeout: UInt32) throws(NetlinkError) -> Int {
        let elements = try unpinned(cgroupPath: cgroupPath, addresses: addresses, timeout: timeout)
        guard !elements.isEmpty else { return 0 }
        try send(elements)
        return elements.count
    }

    /// What `pin` would send: the elements for `addresses` not pinned with
    /// enough time left (empty: nothing to do). No syscall unless the
    /// cgroup's id is not cached yet (one stat).
    public func unpinned(cgroupPath: String, addresses: [IPAddress], timeout: UInt32) throws(NetlinkError) -> [SetElement] {
        precondition(timeout >= 1, "a pin timeout is at least 1 second")
        let cgroup = try ids.id(of: cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        let moment = now()
        let enough = Double(timeout) * refreshFraction
        var elements: [SetElement] = []
        for address in addresses {
            if memory.isFresh(PinKey(cgroup: cgroup, address: address), enough: enough, at: moment) { continue }
            let element = SetElement(cgroup: cgroup, address: address, timeoutSeconds: timeout)
            if !elements.contains(element) { elements.append(element) }
        }
        return elements
    }

    /// Adds `elements` (pins from any number of apps) in one batch and
    /// remembers them as pinned.
    public func send(_ elements: [SetElement]) throws(NetlinkError) {
        let start = now()
        try write(elements, verb: .add)
        lock.lock()
        defer { lock.unlock() }
        // The clock was read before sending: the kernel's expiry is a little later.
        for element in elements {
            guard let address = element.address else { continue }
            memory.remember(PinKey(cgroup: element.cgroup, address: address), expiry: start + Double(element.timeoutSeconds), at: start)
        }
    }

    /// Drops what this pinner remembers about `cgroupPath`, its id included
    /// (the cgroup went away; a new one at the same path has a new id), and
    /// deletes the cgroup's live pins from `pin4`/`pin6` by id, in one
    /// batch. Only pins this pinner remembers are deleted (those of an
    /// earlier pinholed expire by their timeouts): that costs no netlink
    /// dump of every pin per removed cgroup, and the memory's index by
    /// cgroup makes it cost that cgroup's pins, not every remembered pin. Returns a failed deletion
    /// (nil: none); what is remembered is dropped either way.
    @discardableResult
    public func forget(cgroupPath: String) -> NetlinkError? {
        guard let cgroup = try? ids.id(of: cgroupPath) else { return nil }
        ids.forget(cgroupPath)
        lock.lock()
        let live = memory.forget(cgroup: cgroup, liveAt: now())
        lock.unlock()
        guard !live.isEmpty else { return nil }
        do {
            // Destroy: a pin that expired meanwhile does not fail the batch.
            try write(live.map { SetElement(cgroup: $0.cgroup, address: $0.address) }, verb: .destroy)
            return nil
        } catch {
            return error
        }
    }

    /// CLOCK_MONOTONIC in seconds: the default clock of pin expiries.
    public static let monotonicSeconds: @Sendable () -> Double = {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// How many (cgroup, address) pins are remembered as live.
    public var rememberedPins: Int {
        lock.lock()
        defer { lock.unlock() }
        return memory.liveCount(at: now())
    }

    /// How many elements the kernel holds in `set` ("pin4", "pin6", "governed").
    public func kernelCount(set: String) throws(NetlinkError) -> Int {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try writer.count(set: set)
    }

    private enum Verb { case add, destroy }

    private func write(_ elements: [SetElement], verb: Verb) throws(NetlinkError) {
        writerLock.lock()
        defer { writerLock.unlock() }
        switch verb {
        case .add: try writer.add(elements)
        case .destroy: try writer.destroy(elements)
        }
    }
}
