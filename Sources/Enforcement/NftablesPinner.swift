import Foundation
import PinholeCore

/// Governs cgroups and pins the addresses an app was answered with, as
/// elements of the `inet pinhole` sets (see `EnforcementTable`).
///
/// Cgroup paths are v2 paths as /proc/PID/cgroup and `AppIdentity` give
/// them ("/app.slice/app-a.scope"); nft's text syntax wants them relative
/// to /sys/fs/cgroup without the leading slash ("app.slice/app-a.scope")
/// and resolves them there, in the mount namespace of the thread that
/// calls, when the command runs: a cgroup that does not exist fails the
/// whole command.
///
/// Pinning is on the query's critical path, so one `pin` call is at most
/// one nft transaction for all its addresses, and an element already
/// pinned with enough time left is not sent again. Pins are remembered
/// locally by (cgroup path, address) with the expiry this pinner gave
/// them; the kernel (6.x) refreshes an existing element's timeout when it
/// is added again.
public final class NftablesPinner: @unchecked Sendable {
    private struct PinKey: Hashable {
        let cgroup: String
        let address: IPAddress
    }

    let nft: Nftables
    private let now: @Sendable () -> Double
    private let refreshFraction: Double
    private let lock = NSLock()
    private var memory = PinMemory<PinKey>()

    /// - Parameters:
    ///   - now: monotonic seconds (tests pass their own clock).
    ///   - refreshFraction: a pinned element is sent again only when less
    ///     than this fraction of the requested timeout is left on it.
    public init(
        nft: Nftables,
        refreshFraction: Double = 0.5,
        now: @escaping @Sendable () -> Double = NftablesPinner.monotonicSeconds
    ) {
        precondition(refreshFraction > 0 && refreshFraction <= 1, "refreshFraction must be in (0, 1]")
        self.nft = nft
        self.refreshFraction = refreshFraction
        self.now = now
    }

    /// Enforces policy on the sockets of `cgroupPath` and of every cgroup below it.
    public func govern(cgroupPath: String) throws(NftablesError) {
        let path = try Self.nftPath(cgroupPath)
        try nft.run("add element \(EnforcementTable.qualifiedName) governed { \(path) }\n")
    }

    /// Stops enforcing on `cgroupPath` (fails when it is not governed).
    public func ungovern(cgroupPath: String) throws(NftablesError) {
        let path = try Self.nftPath(cgroupPath)
        try nft.run("delete element \(EnforcementTable.qualifiedName) governed { \(path) }\n")
    }

    /// Lets `cgroupPath` reach `addresses` for `timeout` seconds, in one
    /// transaction; addresses pinned with enough time left are skipped.
    /// Returns how many elements were sent (0: nothing to do, no syscall).
    @discardableResult
    public func pin(cgroupPath: String, addresses: [IPAddress], timeout: Int) throws(NftablesError) -> Int {
        precondition(timeout >= 1, "a pin timeout is at least 1 second")
        let path = try Self.nftPath(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        let start = now()
        let enough = Double(timeout) * refreshFraction
        var v4: [String] = []
        var v6: [String] = []
        var keys: [PinKey] = []
        for address in addresses {
            let key = PinKey(cgroup: cgroupPath, address: address)
            if memory.isFresh(key, enough: enough, at: start) { continue }
            if keys.contains(key) { continue }
            keys.append(key)
            let element = "\(path) . \(address) timeout \(timeout)s"
            if case .v4 = address { v4.append(element) } else { v6.append(element) }
        }
        guard !keys.isEmpty else { return 0 }
        var script = ""
        if !v4.isEmpty { script += "add element \(EnforcementTable.qualifiedName) pin4 { \(v4.joined(separator: ", ")) }\n" }
        if !v6.isEmpty { script += "add element \(EnforcementTable.qualifiedName) pin6 { \(v6.joined(separator: ", ")) }\n" }
        try nft.run(script)
        // The clock was read before sending: the kernel's expiry is a little later.
        let expiry = start + Double(timeout)
        for key in keys { memory.remember(key, expiry: expiry, at: start) }
        return keys.count
    }

    /// Drops what this pinner remembers about `cgroupPath` (the cgroup went
    /// away; a new one at the same path is a new cgroup id to the kernel).
    public func forget(cgroupPath: String) {
        lock.lock()
        defer { lock.unlock() }
        memory.forget { $0.cgroup == cgroupPath }
    }

    /// How many (cgroup, address) pins are remembered as live.
    public var rememberedPins: Int {
        lock.lock()
        defer { lock.unlock() }
        return memory.liveCount(at: now())
    }

    /// `cgroupPath` as an nft string literal: relative to /sys/fs/cgroup,
    /// no leading slash, quoted ("/app-a.scope" → "\"app-a.scope\"").
    /// The root cgroup and paths nft could not quote are refused.
    public static func nftPath(_ cgroupPath: String) throws(NftablesError) -> String {
        var relative = Substring(cgroupPath)
        while relative.first == "/" { relative = relative.dropFirst() }
        while relative.last == "/" { relative = relative.dropLast() }
        guard !relative.isEmpty else {
            throw NftablesError(command: cgroupPath, message: "the root cgroup cannot be governed or pinned")
        }
        guard !relative.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
            throw NftablesError(command: cgroupPath, message: "cgroup path has a character nft cannot quote")
        }
        return "\"\(relative)\""
    }

    public static let monotonicSeconds: @Sendable () -> Double = {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
