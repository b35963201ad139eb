import Attribution
import Glibc
import PinholeCore
import Testing

/// What a lookup costs: 10,000 exact lookups of a connected UDP client and
/// 1,000 dump lookups (a wildcard listener), timed one by one with
/// CLOCK_MONOTONIC; median and p99 are printed. The bound only catches a
/// lookup gone pathological (a dump of every socket, a timeout), not a
/// regression of a few microseconds.
@Suite struct SockDiagCostTests {
    @Test func lookupCost() throws {
        let diag = try SockDiag()
        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        let client = try DiagTestSocket(family: AF_INET, type: SOCK_DGRAM)
        try client.connect(to: try server.localAddress())
        try client.send()
        let source = try server.receiveFrom().endpoint
        let expected = try client.inode()

        let exact = AttributionRequest(transport: .udp, client: source, local: try server.localAddress().endpoint)
        let exactTimes = try Self.time(10_000, inode: expected) { diag.owner(of: exact) }
        let dump = AttributionRequest(transport: .udp, client: source, local: nil)
        let dumpTimes = try Self.time(1_000, inode: expected) { diag.owner(of: dump) }

        #expect(diag.statistics.exactHits == 10_000)
        #expect(diag.statistics.dumps == 1_000)
        for (name, times) in [("exact", exactTimes), ("dump", dumpTimes)] {
            let p50 = times[times.count / 2]
            let p99 = times[times.count * 99 / 100]
            print("sock_diag \(name) lookup: p50 \(p50 / 1000).\(p50 % 1000 / 100) µs, p99 \(p99 / 1000).\(p99 % 1000 / 100) µs over \(times.count)")
            #expect(p50 < 1_000_000, "\(name) p50 \(p50) ns")
        }
    }

    /// Runs `lookup` `count` times; the sorted durations in nanoseconds.
    /// Fails unless every lookup found the socket with `inode`.
    private static func time(_ count: Int, inode: UInt64, _ lookup: () -> SocketLookupResult) throws -> [UInt64] {
        var times: [UInt64] = []
        times.reserveCapacity(count)
        var start = timespec()
        var end = timespec()
        for _ in 0..<count {
            clock_gettime(CLOCK_MONOTONIC, &start)
            let result = lookup()
            clock_gettime(CLOCK_MONOTONIC, &end)
            guard case .found(let owner) = result, owner.inode == inode else { throw LookupFailed(result: result) }
            times.append(UInt64((end.tv_sec - start.tv_sec) * 1_000_000_000 + (end.tv_nsec - start.tv_nsec)))
        }
        return times.sorted()
    }

    struct LookupFailed: Error {
        var result: SocketLookupResult
    }
}
