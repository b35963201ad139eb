import Attribution
import Foundation
import PinholeCore
import Testing

/// LocalAddresses against this network namespace's real interfaces, checked
/// with sources getifaddrs does not use: the kernel's FIB (/proc/net/fib_trie)
/// for IPv4 and /proc/net/if_inet6 for IPv6.
@Suite struct LocalAddressesTests {
    @Test func loopbackRangesAreLocalWithoutReadingInterfaces() {
        let addresses = LocalAddresses()
        for text in ["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.53"] {
            #expect(addresses.contains(IPAddress(text)!), "\(text)")
        }
        #expect(addresses.loads == 0)
    }

    @Test func everyInterfaceAddressIsLocal() throws {
        let addresses = LocalAddresses()
        let ipv4 = try Self.kernelIPv4Addresses()
        let ipv6 = try Self.kernelIPv6Addresses()
        #expect(!ipv4.isEmpty && !ipv6.isEmpty)
        for address in ipv4 {
            #expect(addresses.contains(address), "\(address)")
            #expect(addresses.contains(Self.mapped(address)), "\(Self.mapped(address))")
        }
        for address in ipv6 { #expect(addresses.contains(address), "\(address)") }
        #expect(addresses.loads <= 1, "every address was in the first load")
    }

    @Test func otherAddressesAreNotLocal() throws {
        let addresses = LocalAddresses()
        let known = try Self.kernelIPv4Addresses().union(Self.kernelIPv6Addresses())
        // Documentation ranges, minus any this host happens to use.
        let candidates = ["198.51.100.7", "203.0.113.9", "192.0.2.250", "2001:db8::7", "fd00::7777"].compactMap(IPAddress.init)
        let foreign = candidates.filter { !known.contains($0) }
        #expect(!foreign.isEmpty)
        for address in foreign { #expect(!addresses.contains(address), "\(address)") }
    }

    /// A miss reloads only when the cache is older than `missRefreshAge`;
    /// anything older than `maximumAge` reloads.
    @Test func reloadPolicy() throws {
        let local = try #require(Self.kernelIPv4Addresses().first { !$0.isLoopbackForTest })
        let foreign = IPAddress("198.51.100.7")!

        let young = LocalAddresses(maximumAge: .seconds(3600), missRefreshAge: .seconds(3600))
        #expect(young.contains(local))
        #expect(!young.contains(foreign))
        #expect(young.loads == 1)

        let missRefreshing = LocalAddresses(maximumAge: .seconds(3600), missRefreshAge: .zero)
        #expect(missRefreshing.contains(local))
        #expect(!missRefreshing.contains(foreign))
        #expect(missRefreshing.contains(local))
        #expect(missRefreshing.loads == 2)

        let expiring = LocalAddresses(maximumAge: .zero, missRefreshAge: .seconds(3600))
        #expect(expiring.contains(local))
        #expect(expiring.contains(local))
        #expect(expiring.loads == 2)
    }

    /// "::ffff:a.b.c.d" for an IPv4 address.
    private static func mapped(_ address: IPAddress) -> IPAddress {
        guard case .v4(let value) = address else { return address }
        return .v6(0, 0xffff_0000_0000 | UInt64(value))
    }

    /// The IPv4 addresses the kernel routes as LOCAL /32 hosts (fib_trie).
    static func kernelIPv4Addresses() throws -> Set<IPAddress> {
        let trie = try String(contentsOfFile: "/proc/net/fib_trie", encoding: .utf8)
        var result: Set<IPAddress> = []
        var last: IPAddress?
        for line in trie.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("|-- ") {
                last = IPAddress(String(text.dropFirst(4)))
            } else if text.hasPrefix("/32 host LOCAL"), let address = last {
                result.insert(address)
            }
        }
        return result
    }

    /// The IPv6 addresses of /proc/net/if_inet6 (32 hex digits per line).
    static func kernelIPv6Addresses() throws -> Set<IPAddress> {
        let table = try String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)
        var result: Set<IPAddress> = []
        for line in table.split(separator: "\n") {
            guard let hex = line.split(separator: " ").first, hex.count == 32,
                let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16)
            else { continue }
            result.insert(.v6(high, low))
        }
        return result
    }
}

extension IPAddress {
    fileprivate var isLoopbackForTest: Bool {
        if case .v4(let value) = self { return value >> 24 == 127 }
        return self == IPAddress("::1")
    }
}
