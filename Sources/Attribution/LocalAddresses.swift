import Glibc
import PinholeCore
import Synchronization

/// Answers "is this client address one of this host's?" (of this network
/// namespace's interfaces), to tell a remote client from a local one.
///
/// The interface addresses (getifaddrs) are cached and reloaded when older
/// than `maximumAge`, or on a miss when older than `missRefreshAge` (an
/// address added a moment ago must not make a local client look remote,
/// and a flood of remote clients must not reload on every query).
public final class LocalAddresses: Sendable {
    private struct Cache {
        var addresses: Set<IPAddress> = []
        /// CLOCK_MONOTONIC nanoseconds of the last load; nil before the first.
        var loadedAt: UInt64?
        var loads = 0
    }

    private let cache = Mutex(Cache())
    private let maximumAge: UInt64
    private let missRefreshAge: UInt64

    /// A cache reloaded after `maximumAge`, or after `missRefreshAge` when
    /// an address is not in it.
    public init(maximumAge: Duration = .seconds(5), missRefreshAge: Duration = .seconds(1)) {
        self.maximumAge = Self.nanoseconds(maximumAge)
        self.missRefreshAge = Self.nanoseconds(missRefreshAge)
    }

    /// How many times the interface addresses were read.
    public var loads: Int { cache.withLock { $0.loads } }

    /// Whether `address` belongs to this host: a loopback address
    /// (127.0.0.0/8, ::1), or an address of one of its interfaces.
    /// IPv4-mapped IPv6 addresses count as the IPv4 address inside.
    public func contains(_ address: IPAddress) -> Bool {
        let address = address.unmappedIPv4
        if address.isLoopback { return true }
        return cache.withLock { cache in
            let now = Self.monotonicNow()
            if cache.loadedAt.map({ now &- $0 >= maximumAge }) ?? true {
                Self.reload(&cache, now: now)
            }
            if cache.addresses.contains(address) { return true }
            guard let loadedAt = cache.loadedAt, now &- loadedAt >= missRefreshAge else { return false }
            Self.reload(&cache, now: now)
            return cache.addresses.contains(address)
        }
    }

    /// Replaces the cached set with the interfaces' addresses; on a failed
    /// getifaddrs the old set stays (a later query retries).
    private static func reload(_ cache: inout Cache, now: UInt64) {
        cache.loadedAt = now
        cache.loads += 1
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0 else { return }
        defer { freeifaddrs(head) }
        var addresses: Set<IPAddress> = []
        var cursor = head
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let raw = entry.pointee.ifa_addr else { continue }
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                let ipv4 = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                addresses.insert(.v4(UInt32(bigEndian: ipv4)))
            case AF_INET6:
                var ipv6 = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                addresses.insert(IPAddress(ipv6Bytes: withUnsafeBytes(of: &ipv6) { Array($0) }).unmappedIPv4)
            default:
                continue
            }
        }
        cache.addresses = addresses
    }

    private static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
